"""Exit codes of `checkpoint` commands run as separate processes, so `checkpoint ... && next-step` can be trusted.

CliRunner calls a command in standalone mode and so cannot see what the console entry point does with an exit
code; every test here runs the real entry point (`python -m checkpoint`).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from api.audit.signing import public_key_pem
from benchmarks.travellers import astronaut_portrait, make_traveller
from tests.cli.run import one_line_error, run_checkpoint

PASSWORD = "a long enough password"

# A command group run through the CLI's own runner, as `checkpoint` runs its commands.
PROBE = """
import sys

import click

from checkpoint.cli.errors import run_with_clean_errors


@click.group()
def probe():
    pass


@probe.command()
def fine():
    pass


@probe.command("ctx-exit")
@click.pass_context
def ctx_exit(ctx):
    ctx.exit(3)


@probe.command("sys-exit")
def sys_exit():
    sys.exit(5)


code = run_with_clean_errors(probe, sys.argv[1:])
print(f"returned {code}")
sys.exit(code)
"""


@pytest.mark.parametrize(("command", "code"), [("fine", 0), ("ctx-exit", 3), ("sys-exit", 5)])
def test_the_runner_returns_the_exit_code_a_command_asked_for(command: str, code: int) -> None:
    result = subprocess.run([sys.executable, "-c", PROBE, command], capture_output=True, text=True, timeout=60)
    assert result.returncode == code, result.stderr
    assert result.stdout == f"returned {code}\n", "the runner must return the code, not let it escape or drop it"


@pytest.fixture(scope="module")
def audit_export(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A real central chain (two accounts created) exported by `checkpoint audit export`: (export, public key)."""
    folder = tmp_path_factory.mktemp("audit")
    for user in ("root", "amina"):
        made = run_checkpoint("users", "add", user, "--role", "admin", "--password", PASSWORD, data_dir=folder / "d")
        assert made.returncode == 0, made.stderr
    out = folder / "audit.jsonl"
    exported = run_checkpoint("audit", "export", str(out), data_dir=folder / "d")
    assert exported.returncode == 0, exported.stderr
    key = Path(exported.stdout.split("public key: ", 1)[1].strip())
    return out, key


def test_audit_verify_of_an_untouched_export_exits_0(audit_export, tmp_path: Path) -> None:
    export, key = audit_export
    result = run_checkpoint("audit", "verify", str(export), "--public-key", str(key), data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK: 2 events")


def test_audit_verify_of_an_edited_export_exits_3(audit_export, tmp_path: Path) -> None:
    export, key = audit_export
    records = [json.loads(line) for line in export.read_text().splitlines()]
    next(r for r in records if r["type"] == "event")["actor"] = "nobody"
    edited = tmp_path / "edited.jsonl"
    edited.write_text("".join(json.dumps(r) + "\n" for r in records))
    result = run_checkpoint("audit", "verify", str(edited), "--public-key", str(key), data_dir=tmp_path)
    assert result.returncode == 3
    assert one_line_error(result).startswith("FAILED: ") and "event 1" in result.stderr


def test_audit_verify_with_another_key_exits_3(audit_export, tmp_path: Path) -> None:
    export, _ = audit_export
    other = tmp_path / "other.pub.pem"
    other.write_bytes(public_key_pem(Ed25519PrivateKey.generate()))
    result = run_checkpoint("audit", "verify", str(export), "--public-key", str(other), data_dir=tmp_path)
    assert result.returncode == 3
    assert "not signed by this key" in one_line_error(result)


def test_audit_verify_of_a_file_that_is_no_export_exits_3(audit_export, tmp_path: Path) -> None:
    _, key = audit_export
    garbage = tmp_path / "garbage.jsonl"
    garbage.write_text("this is not an audit export\n")
    result = run_checkpoint("audit", "verify", str(garbage), "--public-key", str(key), data_dir=tmp_path)
    assert result.returncode == 3
    assert "not JSON" in one_line_error(result)


@pytest.fixture(scope="module")
def pictures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A face, a flat grey picture (no face, no document) and an empty file."""
    folder = tmp_path_factory.mktemp("pictures")
    out = {"face": folder / "face.png", "grey": folder / "grey.png", "empty": folder / "empty.jpg"}
    cv2.imwrite(str(out["face"]), cv2.cvtColor(astronaut_portrait(), cv2.COLOR_RGB2BGR))
    cv2.imwrite(str(out["grey"]), np.full((480, 640, 3), 128, np.uint8))
    out["empty"].write_bytes(b"")
    return out


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One data directory for the commands that load the face models, so the model is converted once."""
    return tmp_path_factory.mktemp("data")


def test_compare_with_no_face_exits_3(pictures, data_dir: Path) -> None:
    result = run_checkpoint("compare", str(pictures["face"]), str(pictures["grey"]), data_dir=data_dir)
    assert result.returncode == 3
    assert f"no face found in {pictures['grey']}" in one_line_error(result)


def test_compare_refuses_an_empty_file_before_loading_any_model(pictures, tmp_path: Path) -> None:
    result = run_checkpoint("compare", str(pictures["grey"]), str(pictures["empty"]), data_dir=tmp_path / "fresh")
    assert result.returncode == 3
    assert str(pictures["empty"]) in one_line_error(result)
    assert not (tmp_path / "fresh" / "models").exists(), "the face model was prepared for input that was refused"


def test_read_document_with_no_machine_readable_zone_exits_3(pictures, data_dir: Path) -> None:
    result = run_checkpoint("read-document", str(pictures["grey"]), "--no-portrait", data_dir=data_dir)
    assert result.returncode == 3
    assert "no machine readable zone" in one_line_error(result)


def test_screen_exits_0_with_a_recommendation_and_3_on_an_empty_document(pictures, data_dir, tmp_path) -> None:
    document, frames = make_traveller(astronaut_portrait(), seed=1).write(tmp_path / "traveller")
    screened = run_checkpoint("screen", "--document", str(document), "--face", str(frames), data_dir=data_dir)
    assert screened.returncode == 0, screened.stderr
    assert json.loads(screened.stdout)["recommendation"] == "REFER"  # no snapshot installed: never CLEAR
    empty = run_checkpoint("screen", "--document", str(pictures["empty"]), "--face", str(frames), data_dir=data_dir)
    assert empty.returncode == 3
    assert str(pictures["empty"]) in one_line_error(empty)


def test_watchlist_snapshot_without_a_signing_key_fails(tmp_path: Path) -> None:
    result = run_checkpoint("watchlist", "snapshot", str(tmp_path / "v1.snapshot"), data_dir=tmp_path / "d")
    assert result.returncode != 0
    assert "keygen" in one_line_error(result)
    assert not (tmp_path / "v1.snapshot").exists()


def test_watchlist_install_of_a_tampered_bundle_fails_and_of_the_signed_one_succeeds(tmp_path: Path) -> None:
    data_dir = tmp_path / "d"
    assert run_checkpoint("watchlist", "keygen", data_dir=data_dir).returncode == 0
    made = run_checkpoint("watchlist", "create", "w", "--category", "wanted_person", "--authority", "Police",
                          "--legal-basis", "Warrants 2026", "--reason", "test", data_dir=data_dir)  # fmt: skip
    assert made.returncode == 0, made.stderr
    bundle = tmp_path / "v1.snapshot"
    signed = run_checkpoint("watchlist", "snapshot", str(bundle), data_dir=data_dir)
    assert signed.returncode == 0, signed.stderr
    data = bytearray(bundle.read_bytes())
    data[len(data) // 2] ^= 0x01
    tampered = tmp_path / "tampered.snapshot"
    tampered.write_bytes(bytes(data))
    refused = run_checkpoint("watchlist", "install", str(tampered), data_dir=data_dir)
    assert refused.returncode != 0
    assert "tampered.snapshot" in one_line_error(refused)
    installed = run_checkpoint("watchlist", "install", str(bundle), data_dir=data_dir)
    assert installed.returncode == 0, installed.stderr
    assert "installed snapshot v1" in installed.stdout


def test_an_import_that_refuses_a_row_exits_3_and_keeps_the_rows_it_took(tmp_path: Path) -> None:
    # `checkpoint watchlist import-documents ... && checkpoint watchlist snapshot` must stop at a refused row: a
    # lost passport left off the list is screened as not lost.
    data_dir = tmp_path / "d"
    made = run_checkpoint("watchlist", "create", "w", "--category", "lost_stolen_documents", "--authority", "Police",
                          "--legal-basis", "Loi 2026", "--reason", "test", data_dir=data_dir)  # fmt: skip
    assert made.returncode == 0, made.stderr
    documents = tmp_path / "documents.csv"
    documents.write_text(
        "issuing_state,number,reported_on,check_digit,review_by\n"
        "MLI,AA0012345,2026-10-01,,2099-01-01\n"
        "NER,L898902C3,2026-10-02,1,2099-01-01\n"  # its check digit is 6: a typo in the list
    )
    result = run_checkpoint("watchlist", "import-documents", str(documents), "--watchlist", "w", data_dir=data_dir)
    assert result.returncode == 3
    assert "refused 1 row(s)" in one_line_error(result)
    assert "1 created" in result.stdout and "line 3" in result.stdout
    fixed = documents.read_text().replace("2026-10-02,1,", "2026-10-02,6,")
    documents.write_text(fixed)
    again = run_checkpoint("watchlist", "import-documents", str(documents), "--watchlist", "w", data_dir=data_dir)
    assert again.returncode == 0, again.stderr
    assert "1 created" in again.stdout and "1 unchanged" in again.stdout


@pytest.mark.lfw
def test_bench_report_with_pairs_elsewhere_then_verify_report_exits_0_or_1(lfw_mini, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    made = run_checkpoint("bench", "report", "--images", str(lfw_mini["images"]), "--pairs", str(lfw_mini["pairs"]),
                          "--iterations", "20", "--workers", "1", "--quiet", "--out", str(out), "--name", "mini",
                          data_dir=tmp_path / "d", timeout=900)  # fmt: skip
    assert made.returncode == 0, made.stderr
    report = out / "mini.json"
    same = run_checkpoint("bench", "verify-report", str(report), "--workers", "1", data_dir=tmp_path / "d")
    assert same.returncode == 0, same.stderr
    assert "figures reproduce" in same.stdout
    body = json.loads(report.read_text())
    body["verification"]["eer"] += 0.01
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(body))
    differs = run_checkpoint("bench", "verify-report", str(edited), "--workers", "1", data_dir=tmp_path / "d")
    assert differs.returncode == 1
    assert "DIFFERS eer" in differs.stdout and "did not reproduce: eer" in one_line_error(differs)


@pytest.mark.parametrize(
    "args",
    [
        ("bench", "mrz", "--pages-per-cell", "0", "--quiet"),
        ("bench", "report", "--iterations", "0"),
        ("bench", "verify", "--workers", "0"),
    ],
    ids=" ".join,
)
def test_a_count_below_one_is_a_usage_error_before_any_work(args: tuple[str, ...], tmp_path: Path) -> None:
    out = tmp_path / "results"
    where = ("--out", str(out / "mrz.json")) if args[1] == "mrz" else ("--images", str(tmp_path / "none"))
    result = run_checkpoint(*args, *where, data_dir=tmp_path / "data", timeout=120)
    assert result.returncode == 2
    assert f"'{args[2]}'" in one_line_error(result) and "range" in result.stderr
    assert not out.exists(), "a benchmark of nothing wrote results"


@pytest.mark.parametrize("command", ["identify", "report"])
def test_an_unknown_enrolment_protocol_is_a_usage_error_before_any_work(command: str, tmp_path: Path) -> None:
    out = tmp_path / "results"
    result = run_checkpoint("bench", command, "--enrolment", "multi:1", "--out", str(out), data_dir=tmp_path / "d")
    assert result.returncode == 2
    assert "'first' or 'multi:K'" in one_line_error(result) and "multi:1" in result.stderr
    assert not out.exists(), "a benchmark of nothing wrote results"
