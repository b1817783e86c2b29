"""Traveller receipts: the centre proves a receipt is in its signed log, and anyone checks that offline."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from api.public.offline_check import consistency_problem, receipt_problem
from api.schemas import Role
from tests.api.conftest import transaction_body
from tests.api.public_flow import printed, screened_with_receipt

pytestmark = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)


def _sign_head(client, headers) -> dict:  # type: ignore[no-untyped-def]
    response = client.post("/api/audit/tree-heads", headers=headers[Role.AUDITOR])
    assert response.status_code == 201, response.text
    return response.json()


def _public_key(client):  # type: ignore[no-untyped-def]
    response = client.get("/public/public-key")
    assert response.status_code == 200
    return load_pem_public_key(response.text.encode())


def test_a_receipt_not_yet_under_a_signed_head_says_when_it_will_be(client, headers):
    receipt = screened_with_receipt(client, headers[Role.KIOSK])
    response = client.get(f"/public/receipts/{receipt['reference']}")
    assert response.status_code == 202
    assert response.json()["status"] == "awaiting_tree_head"
    assert response.json()["next_tree_head"]["at_event"] == 1000


def test_an_unknown_reference_says_it_has_not_reached_the_centre_and_what_to_do(client):
    response = client.get("/public/receipts/AAAAAAAAAAAAAAAAAAAAAA", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert "try again" in response.json()["message"]


def test_a_receipts_inclusion_proof_verifies_offline_and_fails_on_any_edited_field(client, headers):
    receipt = printed(screened_with_receipt(client, headers[Role.KIOSK]))
    _sign_head(client, headers)
    response = client.get(f"/public/receipts/{receipt['reference']}")
    assert response.status_code == 200, response.text
    proof = response.json()
    key = _public_key(client)
    assert receipt_problem(receipt, proof, key) is None
    edits = {
        "post_id": "post-b",
        "screening_date": "2020-01-01",
        "recommendation": "CLEAR",
        "outcome": "REFUSE_ENTRY",
        "salt": "0" * 32,
    }
    for field, value in edits.items():
        problem = receipt_problem({**receipt, field: value}, proof, key)
        assert problem is not None and "edited" in problem, field
    forged = json.loads(json.dumps(proof))
    forged["signed_tree_head"]["root_hash"] = "00" * 32
    assert "not signed" in receipt_problem(receipt, forged, key)  # type: ignore[operator]


def test_checkpoint_receipt_verify_checks_a_receipt_offline(client, headers, tmp_path):
    receipt = printed(screened_with_receipt(client, headers[Role.KIOSK]))
    _sign_head(client, headers)
    proof = client.get(f"/public/receipts/{receipt['reference']}").json()
    key_file = tmp_path / "centre.pub.pem"
    key_file.write_text(client.get("/public/public-key").text)
    good = tmp_path / "receipt.json"
    good.write_text(json.dumps({"receipt": receipt, "proof": proof}))
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps({"receipt": {**receipt, "outcome": "CLEAR"}, "proof": proof}))

    def run(path):  # type: ignore[no-untyped-def]
        command = [sys.executable, "-m", "checkpoint", "receipt", "verify", str(path), "--public-key", str(key_file)]
        return subprocess.run(
            command, capture_output=True, text=True, timeout=120, env={**os.environ, "LC_ALL": "en_GB.UTF-8"}
        )

    ok = run(good)
    assert ok.returncode == 0, ok.stderr
    assert "in the log" in ok.stdout
    bad = run(edited)
    assert bad.returncode == 3  # EXIT_BAD_INPUT, as `checkpoint audit verify`
    assert "edited" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1


def test_a_citizen_checks_the_log_grew_consistently_between_two_heads_from_public_routes_alone(client, headers):
    first = _sign_head(client, headers)
    screened_with_receipt(client, headers[Role.KIOSK])
    screened_with_receipt(client, headers[Role.KIOSK])
    second = _sign_head(client, headers)
    key = _public_key(client)
    history = client.get("/public/tree-heads").json()
    sizes = [entry["signed_tree_head"]["tree_size"] for entry in history]
    assert first["tree_size"] in sizes and second["tree_size"] in sizes
    newest = history[-1]
    assert newest["consistency_from"]["tree_size"] == sizes[-2]
    older = history[-2]["signed_tree_head"]
    assert consistency_problem(older, newest["signed_tree_head"], newest["consistency_from"]["path"], key) is None
    proof = client.get(f"/public/proofs/consistency?first={first['tree_size']}&second={second['tree_size']}")
    assert proof.status_code == 200
    assert "immutable" in proof.headers["cache-control"]
    body = proof.json()
    assert consistency_problem(body["first"], body["second"], body["path"], key) is None
    rewritten = {**body["first"], "root_hash": "11" * 32}
    assert consistency_problem(rewritten, body["second"], body["path"], key) is not None
    assert consistency_problem(body["first"], body["second"], ["22" * 32, *body["path"][1:]], key) is not None


def test_a_consistency_proof_needs_two_signed_heads(client, headers):
    head = _sign_head(client, headers)
    response = client.get(f"/public/proofs/consistency?first=1&second={head['tree_size'] + 5}")
    assert response.status_code == 404
    assert "/public/tree-heads" in response.json()["message"]


def test_checkpoint_receipt_consistency_checks_two_heads_offline(client, headers, tmp_path):
    first = _sign_head(client, headers)
    screened_with_receipt(client, headers[Role.KIOSK])
    second = _sign_head(client, headers)
    key_file = tmp_path / "centre.pub.pem"
    key_file.write_text(client.get("/public/public-key").text)
    answer = client.get(f"/public/proofs/consistency?first={first['tree_size']}&second={second['tree_size']}").json()
    good, rewritten = tmp_path / "proof.json", tmp_path / "rewritten.json"
    good.write_text(json.dumps(answer))
    rewritten.write_text(json.dumps({**answer, "first": {**answer["first"], "root_hash": "ab" * 32}}))

    def run(path):  # type: ignore[no-untyped-def]
        command = [
            sys.executable,
            "-m",
            "checkpoint",
            "receipt",
            "consistency",
            str(path),
            "--public-key",
            str(key_file),
        ]
        return subprocess.run(
            command, capture_output=True, text=True, timeout=120, env={**os.environ, "LC_ALL": "en_GB.UTF-8"}
        )

    ok = run(good)
    assert ok.returncode == 0, ok.stderr
    assert f"of {second['tree_size']} events extends the log of {first['tree_size']} events" in ok.stdout
    bad = run(rewritten)
    assert bad.returncode == 3 and len(bad.stderr.strip().splitlines()) == 1


def test_a_reused_receipt_reference_is_refused_with_the_decision(client, headers):
    first = screened_with_receipt(client, headers[Role.KIOSK])
    sent = client.post("/api/transactions", json=transaction_body(), headers=headers[Role.KIOSK]).json()
    decision = {
        "outcome": "CLEAR",
        "decided_at": datetime.now(UTC).isoformat(),
        "officer": "officer",
        "receipt": {"reference": first["reference"], "commitment": "0" * 64},
    }
    refused = client.post(f"/api/transactions/{sent['id']}/disposition", json=decision, headers=headers[Role.KIOSK])
    assert refused.status_code == 409 and "already used" in refused.json()["message"]
    assert client.get(f"/api/transactions/{sent['id']}", headers=headers[Role.SUPERVISOR]).status_code == 200
    queue = client.get("/api/transactions?recommendation=REFER", headers=headers[Role.SUPERVISOR]).json()
    assert next(t for t in queue if t["id"] == sent["id"])["outcome"] is None  # the decision was not recorded
