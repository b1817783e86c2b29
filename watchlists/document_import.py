"""Import lost/stolen documents from a CSV file into a watchlist; idempotent, every refused row reported with why.

Columns: issuing_state, number, reported_on (YYYY-MM-DD), and optionally doc_type (default P), check_digit,
review_by (else the default given), reason. A row whose check digit does not fit its number is refused, not
stored: a list entry that can never match the number read from an MRZ would give false assurance.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy.engine import Engine
from sqlmodel import Session

from checkpoint.i18n import _
from checkpoint.validation_words import sentence
from watchlists.errors import ForbiddenTransition, InvalidEntry, ManifestError
from watchlists.models import DocumentCreate
from watchlists.store import get_watchlist, upsert_document

_FIELDS = ("issuing_state", "doc_type", "number", "check_digit", "reported_on", "review_by", "reason")


@dataclass
class DocumentImportReport:
    outcomes: dict[str, int] = field(default_factory=lambda: {"created": 0, "updated": 0, "unchanged": 0})
    refused: list[str] = field(default_factory=list)  # "line N: why"

    def summary(self) -> str:
        lines = [
            f"documents: {self.outcomes['created']} created, {self.outcomes['updated']} updated, "
            f"{self.outcomes['unchanged']} unchanged, {len(self.refused)} refused"
        ]
        lines += [f"  refused {r}" for r in self.refused]
        return "\n".join(lines)


def import_documents(
    engine: Engine,
    watchlist_name: str,
    path: Path,
    actor: str,
    reason: str,
    default_review_by: dt.date | None = None,
    today: dt.date | None = None,
) -> DocumentImportReport:
    """Add or update every row of the CSV file; rows that break a rule are reported and skipped."""
    rows = _read(Path(path))
    report = DocumentImportReport()
    with Session(engine) as session:
        watchlist = get_watchlist(session, watchlist_name)
        for line, row in rows:
            values = {k: v.strip() for k, v in row.items() if k and v and v.strip()}
            if "review_by" not in values and default_review_by is not None:
                values["review_by"] = default_review_by.isoformat()
            try:
                data = DocumentCreate(**values)
                _document, outcome = upsert_document(session, watchlist, data, actor, reason, today)
                session.commit()
            except ValidationError as exc:
                session.rollback()
                report.refused.append(
                    _("line %(line)s: %(error)s") % {"line": line, "error": sentence(exc.errors()[0])}
                )
                continue
            except (InvalidEntry, ForbiddenTransition) as exc:
                session.rollback()
                report.refused.append(_("line %(line)s: %(error)s") % {"line": line, "error": exc.problem})
                continue
            report.outcomes[outcome] += 1
    return report


def _read(path: Path) -> list[tuple[int, dict]]:
    if not path.is_file():
        raise ManifestError(_("document list %(path)s does not exist") % {"path": path}, _("Check the path"))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ManifestError(
            _("document list %(path)s is not UTF-8 text") % {"path": path}, _("Save it as UTF-8 CSV")
        ) from exc
    reader = csv.DictReader(io.StringIO(text))
    unknown = set(reader.fieldnames or ()) - set(_FIELDS)
    missing = {"issuing_state", "number", "reported_on"} - set(reader.fieldnames or ())
    if unknown or missing:
        raise ManifestError(
            _("document list %(file)s: unknown column(s) %(unknown)s, missing %(missing)s")
            % {"file": path.name, "unknown": sorted(unknown), "missing": sorted(missing)},
            _("Use the columns %(columns)s (issuing_state, number and reported_on are required)")
            % {"columns": ", ".join(_FIELDS)},
        )
    return [(number, row) for number, row in enumerate(reader, start=2)]
