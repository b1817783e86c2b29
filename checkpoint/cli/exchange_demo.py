"""`checkpoint exchange demo`: two centres (MLI and NER) on 127.0.0.1, each with its own database and keys and an
agreement each way, NER with a watchlist; MLI's supervisor queries NER through MLI's own service, then follows a
hit up, NER's supervisor approves; both audit chains are exported and verified offline. `--check` exits 0 only
if every outcome is the expected one."""

from __future__ import annotations

import base64
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import numpy as np

from checkpoint.cli import exchange_centres as centres
from checkpoint.i18n import _


@dataclass
class Step:
    """One exchange the demo runs: what happened and what was expected."""

    name: str
    got: str
    expected: str

    @property
    def ok(self) -> bool:
        return self.got == self.expected


class Supervisor:
    """A supervisor signed in at one centre's API."""

    def __init__(self, centre: centres.Centre, password: str) -> None:
        import httpx

        self.centre = centre
        self.http = httpx.Client(base_url=centre.url, timeout=60)
        r = self.http.post("/api/auth/login", json={"username": "exchange-supervisor", "password": password})
        r.raise_for_status()
        self.http.headers["authorization"] = f"Bearer {r.json()['access_token']}"

    def post(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        r = self.http.post(path, json=body)
        if r.status_code >= 400:
            raise click.ClickException(f"POST {path} answered {r.status_code}: {r.text[:300]}")
        return r.json()

    def get(self, path: str, **params: str) -> Any:
        r = self.http.get(path, params=params)
        r.raise_for_status()
        return r.json()


def _template(seed: int, noise: float = 0.02) -> str:
    """A demo template near the listed vector of `seed` (another "photo" of the same demo person)."""
    vector = centres.demo_vector(seed) + noise * np.random.default_rng(seed + 1000).standard_normal(centres.DEMO_DIM)
    return base64.b64encode((vector / np.linalg.norm(vector)).astype("<f4").tobytes()).decode()


def run_exchanges(
    mli: Supervisor, ner: Supervisor, ner_centre: centres.Centre, mli_centre: centres.Centre
) -> tuple[list[Step], str]:
    """The demo's queries, replay and follow-up; returns the steps and the approved details' text."""
    steps = []

    def query(name: str, expected: str, **terms: Any) -> dict[str, Any]:
        sent = mli.post("/api/exchange/queries", {"partner_id": "NER", **terms})
        got = sent["outcome"] if sent["status"] == "answered" else f"{sent['status']} ({sent['detail'].split(':')[0]})"
        steps.append(Step(name, got, expected))
        return sent

    face = query(
        _("face query (listed person)"), "hit", kind="face", model_id=centres.DEMO_MODEL_ID, template_b64=_template(0)
    )
    query(
        _("document query (stolen passport)"), "hit", kind="document", issuing_state="NER", document_number="DM0000001"
    )
    query(_("document query (not listed)"), "no_hit", kind="document", issuing_state="NER", document_number="DX1234567")
    query(
        _("face query in a category outside the agreement"),
        "refused (not_agreed)",
        kind="face",
        categories=["security_alert"],
        model_id=centres.DEMO_MODEL_ID,
        template_b64=_template(1),
    )
    steps.append(
        Step(_("the same signed request sent twice"), _replay(mli_centre, ner_centre), "200 then 409 replayed_request")
    )
    leaked = [s for s in (face.get("detail", ""), str(face)) if centres.demo_name(0) in s]
    steps.append(Step(_("hit answer carries no personal data"), "no" if not leaked else "yes", "no"))
    followup = mli.post(
        "/api/exchange/followups",
        {
            "query_id": face["query_id"],
            "legal_basis": "Demo code of criminal procedure, art. 12",
            "purpose": "identify a traveller at the border",
        },
    )
    queue = ner.get("/api/exchange/followups", direction="incoming", status="pending")
    waiting = [f for f in queue if f["followup_id"] == followup["followup_id"]]
    steps.append(Step(_("follow-up in NER's supervisor queue"), "yes" if waiting else "no", "yes"))
    before = mli.post(f"/api/exchange/followups/{followup['followup_id']}/refresh")
    steps.append(Step(_("follow-up before NER's decision"), f"{before['status']} {before['details']}", "pending None"))
    ner.post(
        f"/api/exchange/followups/{followup['followup_id']}/decision",
        {"approve": True, "reason": "legal basis checked"},
    )
    after = mli.post(f"/api/exchange/followups/{followup['followup_id']}/refresh")
    fields = sorted(after["details"] or {})
    steps.append(Step(_("approved follow-up carries the agreed fields only"), f"{after['status']} {fields}",
                      f"approved {sorted(centres.demo_terms()['followup_fields'])}"))  # fmt: skip
    return steps, str(after["details"])


def _replay(mli: centres.Centre, ner: centres.Centre) -> str:
    """Sign one query with MLI's key and send the very same bytes to NER twice (a captured request replayed)."""
    import uuid

    import httpx

    from api.exchange.envelope import seal
    from api.exchange.identity import exchange_identity

    identity = exchange_identity(mli.settings())
    assert identity is not None
    body = {
        "type": "query",
        "query_id": str(uuid.uuid4()),
        "kind": "document",
        "issuing_state": "NER",
        "document_number": "DX7654321",
    }
    sealed = seal(identity.key, identity.centre_id, body)
    first = httpx.post(f"{ner.url}/exchange/v1/queries", json=sealed, timeout=30)
    second = httpx.post(f"{ner.url}/exchange/v1/queries", json=sealed, timeout=30)
    code = (
        second.json().get("code", "") if second.headers.get("content-type", "").startswith("application/json") else ""
    )
    return f"{first.status_code} then {second.status_code} {code}".strip()


def verify_chains(pair: list[centres.Centre], out: Path) -> list[Step]:
    """Export each centre's chain, verify it offline, and check each request the other side recorded is there."""
    from sqlmodel import select

    from api.audit.export import export_chain
    from api.audit.signing import load_or_create_private_key, load_public_key
    from api.audit.verify import verify_export
    from api.models import AuditEvent, AuditPayload

    steps, hashes = [], {}
    for centre in pair:
        settings = centre.settings()
        with centres.centre_session(settings) as (session, _trail):
            file = out / f"{centre.centre_id}-audit.jsonl"
            export_chain(session, load_or_create_private_key(settings.audit_key_path), file)
            report = verify_export(file, load_public_key(file.with_suffix(".pub.pem")))
            steps.append(Step(_("%(centre)s audit chain verifies offline") % {"centre": centre.centre_id},
                              "OK" if report.ok else f"FAILED {report.problem}", "OK"))  # fmt: skip
            rows = session.exec(
                select(AuditEvent.action, AuditPayload.payload)
                .join(AuditPayload, AuditPayload.sequence == AuditEvent.sequence)  # type: ignore[arg-type]
                .where(AuditEvent.action.startswith("exchange."))  # type: ignore[attr-defined]
            ).all()
            hashes[centre.centre_id] = {(action, h) for action, payload in rows for h in _hashes(payload)}
    mli, ner = pair
    asked = {h for action, h in hashes[mli.centre_id] if action in ("exchange.query.sent", "exchange.followup.sent")}
    seen = {h for _action, h in hashes[ner.centre_id]}
    missing = sorted(asked - seen)
    # A request MLI could not deliver would be missing at NER; in the demo every request is delivered.
    steps.append(Step(_("every request MLI recorded is in NER's chain"), f"{len(missing)} missing", "0 missing"))
    return steps


def _hashes(payload: str) -> list[str]:
    import json

    data = json.loads(payload) if payload else {}
    return [data[k] for k in ("request_hash", "answer_hash") if isinstance(data.get(k), str)]


def run_demo(check: bool, ports: tuple[int, int], keep: bool) -> None:
    """Set the two centres up, run the exchanges, verify both chains, print the summary."""
    from checkpoint.settings import get_settings

    base = Path(tempfile.mkdtemp(prefix="exchange-demo-", dir=_demo_root(get_settings().data_dir)))
    mli = centres.Centre("MLI", base / "MLI", ports[0])
    ner = centres.Centre("NER", base / "NER", ports[1])
    click.echo(
        _("Two centres in %(folder)s: MLI on %(mli)s, NER on %(ner)s")
        % {"folder": base, "mli": mli.url, "ner": ner.url}
    )
    centres.link(mli, ner, centres.demo_terms())
    centres.link(ner, mli, centres.demo_terms())
    centres.list_demo_entries(ner)
    passwords = {c.centre_id: centres.add_supervisor(c) for c in (mli, ner)}
    with centres.running([mli, ner]):
        steps, details = run_exchanges(Supervisor(mli, passwords["MLI"]), Supervisor(ner, passwords["NER"]), ner, mli)
        if not check:
            click.echo(_("Approved follow-up details, as MLI received them: %(details)s") % {"details": details})
    steps += verify_chains([mli, ner], base)
    width = max(len(s.name) for s in steps)
    for step in steps:
        mark = "ok  " if step.ok else "FAIL"
        click.echo(
            f"{mark} {step.name:<{width}}  {step.got}" + ("" if step.ok else f"  ({_('expected')}: {step.expected})")
        )
    failed = [s.name for s in steps if not s.ok]
    if failed:
        raise click.ClickException(
            _("the exchange demo check failed: %(steps)s (files kept in %(folder)s)")
            % {"steps": "; ".join(failed), "folder": base}
        )
    click.echo(_("All %(n)d exchange outcomes as expected; both audit chains verify.") % {"n": len(steps)})
    if not keep:
        shutil.rmtree(base, ignore_errors=True)


def _demo_root(data_dir: Path) -> Path:
    root = data_dir / "exchange-demo"
    root.mkdir(parents=True, exist_ok=True)
    return root
