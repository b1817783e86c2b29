"""Benchmark reports for auditors: the files the benchmarks wrote, listed and shown read-only."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session, select

from api.audit.chain import Actor
from api.audit.trail import AuditTrail
from api.errors import NotFound
from api.models import AuditEvent
from checkpoint.i18n import _

_SAFE_NAME = re.compile(r"^[A-Za-z0-9_.-]+\.(json|html|png)$")


@dataclass(frozen=True)
class Report:
    name: str
    kind: str
    size_kb: float
    ran_at: datetime | None  # when the benchmark ran, as its JSON records it; None when no result says


def _run_time(path: Path) -> datetime | None:
    """When the benchmark behind `path` ran: `machine.time_utc` of its JSON (benchmarks/result_file.py).

    A file's modification time is when it was checked out or copied, not when the benchmark ran, so it is never
    shown in its place. An HTML or PNG report takes the time of the JSON result of the same name, if there is one.
    """
    source = path.with_suffix(".json")
    if not source.is_file():
        return None
    try:
        stamp = json.loads(source.read_text(encoding="utf-8"))["machine"]["time_utc"]
        ran_at = datetime.fromisoformat(stamp)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return ran_at if ran_at.tzinfo else ran_at.replace(tzinfo=UTC)


def list_reports(directory: Path) -> list[Report]:
    """Every JSON/HTML/PNG report in `directory`, the latest run first (those with no recorded run time last)."""
    if not directory.is_dir():
        return []
    files = [p for p in directory.iterdir() if p.is_file() and _SAFE_NAME.match(p.name)]
    found = [Report(p.name, p.suffix.lstrip("."), round(p.stat().st_size / 1024, 1), _run_time(p)) for p in files]
    found.sort(key=lambda r: r.name)
    found.sort(key=lambda r: r.ran_at or datetime.min.replace(tzinfo=UTC), reverse=True)
    return found


def report_path(directory: Path, name: str) -> Path:
    """The report called `name`, refusing anything that is not a plain file name in `directory`."""
    path = directory / name
    if not _SAFE_NAME.match(name) or not path.is_file():
        raise NotFound(_("there is no report %(name)s") % {"name": name}, _("pick one from the list at /ui/benchmarks"))
    return path


def pretty_json(path: Path) -> str:
    """The report indented for reading (or as stored if it is not valid JSON)."""
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except json.JSONDecodeError:
        return text


def record_publications(session: Session, trail: AuditTrail, directory: Path) -> int:
    """Append a `report.publish` event for every report file (by content hash) the chain has not seen yet.

    A report counts as published when the centre first offers it to auditors; an edited file has a new hash,
    so it is a new publication, and the chain shows which version auditors could read from when.
    """
    recorded = 0
    for report in list_reports(directory):
        digest = hashlib.sha256((directory / report.name).read_bytes()).hexdigest()
        obj = f"report:{digest}"
        seen = session.exec(
            select(AuditEvent.sequence).where(AuditEvent.action == "report.publish", AuditEvent.object == obj)
        ).first()
        if seen is None:
            trail.record(session, Actor("centre", "system"), "report.publish", obj, {"name": report.name})
            recorded += 1
    if recorded:
        session.commit()
    return recorded
