"""`checkpoint audit export` and the offline `checkpoint audit verify`: tampering of every kind is caught."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from api.audit.canonical import GENESIS_HASH, event_hash
from api.audit.signing import key_id, sign_tree_head
from api.schemas import Role
from checkpoint.cli.audit import audit
from checkpoint.cli.errors import EXIT_BAD_INPUT
from checkpoint.settings import get_settings
from tests.api.conftest import transaction_body


@pytest.fixture
def exported(app, client, headers, settings, engine, tmp_path, monkeypatch) -> tuple[Path, Path]:  # type: ignore[no-untyped-def]
    """A real chain (transactions, reads, decisions, logins), exported through the CLI."""
    for _ in range(3):
        tx = client.post("/api/transactions", json=transaction_body(), headers=headers[Role.KIOSK]).json()["id"]
        client.get(f"/api/transactions/{tx}", headers=headers[Role.SUPERVISOR])
        client.post(
            f"/api/transactions/{tx}/disposition",
            json={"outcome": "CLEAR", "decided_at": datetime.now(UTC).isoformat()},
            headers=headers[Role.OFFICER],
        )
    client.post("/api/audit/tree-heads", headers=headers[Role.AUDITOR])  # an earlier head, so there are two
    client.post("/api/transactions", json=transaction_body(), headers=headers[Role.KIOSK])
    monkeypatch.setenv("CHECKPOINT_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("CHECKPOINT_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    out = tmp_path / "audit.jsonl"
    result = CliRunner().invoke(audit, ["export", str(out)])
    get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "signed tree heads" in result.output
    return out, out.with_suffix(".pub.pem")


def _verify(path: Path, key: Path) -> tuple[int, str]:
    result = CliRunner().invoke(audit, ["verify", str(path), "--public-key", str(key)])
    return result.exit_code, result.output


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def _write(path: Path, records: list[dict]) -> Path:
    out = path.with_name("tampered.jsonl")
    out.write_text("".join(json.dumps(r) + "\n" for r in records))
    return out


def _event_positions(records: list[dict]) -> list[int]:
    return [i for i, r in enumerate(records) if r["type"] == "event"]


def test_untouched_export_verifies(exported):
    code, output = _verify(*exported)
    assert code == 0, output
    assert output.startswith("OK: ")
    assert "3 signed tree heads" in output  # the first event's and two requested


def test_edited_event_is_reported_with_its_sequence(exported):
    path, key = exported
    records = _lines(path)
    records[_event_positions(records)[4]]["actor"] = "nobody"
    code, output = _verify(_write(path, records), key)
    assert code == EXIT_BAD_INPUT
    assert "event 5 does not match its own hash" in output
    assert "first bad event: 5" in output


def test_deleted_event_is_reported(exported):
    path, key = exported
    records = _lines(path)
    del records[_event_positions(records)[6]]
    code, output = _verify(_write(path, records), key)
    assert code == EXIT_BAD_INPUT
    assert "sequence 8 where 7 was expected" in output


def test_inserted_event_is_reported(exported):
    path, key = exported
    records = _lines(path)
    positions = _event_positions(records)
    forged = dict(records[positions[2]])
    forged["action"] = "transaction.read"
    forged["sequence"] = 4
    forged["prev_hash"] = records[positions[2]]["hash"]
    forged["hash"] = event_hash(forged)
    records.insert(positions[3], forged)  # a self-consistent event slipped in after event 3
    code, output = _verify(_write(path, records), key)
    assert code == EXIT_BAD_INPUT
    assert "first bad event: 4" in output or "sequence 4 where 5" in output


def test_reordered_events_are_reported(exported):
    path, key = exported
    records = _lines(path)
    a, b = _event_positions(records)[2:4]
    records[a], records[b] = records[b], records[a]
    code, output = _verify(_write(path, records), key)
    assert code == EXIT_BAD_INPUT
    assert "sequence 4 where 3 was expected" in output


def test_forged_tree_head_is_reported(exported):
    path, key = exported
    records = _lines(path)
    head = next(r for r in records if r["type"] == "tree_head")
    head["root_hash"] = "0" * 64
    code, output = _verify(_write(path, records), key)
    assert code == EXIT_BAD_INPUT
    assert "not signed by this key" in output


def test_tree_head_signed_by_another_key_is_reported(exported):
    path, key = exported
    records = _lines(path)
    intruder = Ed25519PrivateKey.generate()
    for r in records:
        if r["type"] == "tree_head":
            r["key_id"] = key_id(intruder.public_key())
            r["signature"] = sign_tree_head(intruder, r)
    code, output = _verify(_write(path, records), key)
    assert code == EXIT_BAD_INPUT
    assert "not signed by this key" in output


def test_rewritten_and_rechained_log_fails_on_the_signed_root(exported):
    """An insider edits event 2 and recomputes every later hash: the chain links, the signed root does not."""
    path, key = exported
    records = _lines(path)
    previous = GENESIS_HASH
    for i in _event_positions(records):
        if records[i]["sequence"] == 2:
            records[i]["actor"] = "cover-up"
        records[i]["prev_hash"] = previous
        records[i]["hash"] = event_hash(records[i])
        previous = records[i]["hash"]
    code, output = _verify(_write(path, records), key)
    assert code == EXIT_BAD_INPUT
    assert "signed Merkle root" in output and "rewritten" in output


def test_truncated_export_is_reported(exported):
    path, key = exported
    records = _lines(path)
    del records[_event_positions(records)[-1]]
    code, output = _verify(_write(path, records), key)
    assert code == EXIT_BAD_INPUT
    assert "events were deleted" in output


def test_wrong_public_key_fails(exported, tmp_path):
    path, _ = exported
    other = tmp_path / "other.pem"
    other.write_bytes(
        Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    code, output = _verify(path, other)
    assert code == EXIT_BAD_INPUT
    assert "not signed by this key" in output


def test_a_file_that_is_not_an_export_is_a_clear_error(tmp_path, exported):
    bogus = tmp_path / "bogus.jsonl"
    bogus.write_text("hello\n")
    result = CliRunner().invoke(audit, ["verify", str(bogus), "--public-key", str(exported[1])])
    assert result.exit_code != 0
    assert "is not JSON" in str(result.exception)
