"""`checkpoint audit export` as an auditor runs it: the key file its help names, and no export of nothing."""

from __future__ import annotations

from pathlib import Path

from tests.cli.run import one_line_error, run_checkpoint


def test_the_public_key_is_written_where_the_help_says(tmp_path: Path) -> None:
    data = tmp_path / "data"
    password = "a long enough password"
    made = run_checkpoint("users", "add", "root", "--role", "admin", "--password", password, data_dir=data)
    assert made.returncode == 0, made.stderr
    shown = run_checkpoint("audit", "export", "--help", data_dir=data)
    exported = run_checkpoint("audit", "export", str(tmp_path / "audit.jsonl"), data_dir=data)
    assert exported.returncode == 0, exported.stderr
    key = tmp_path / "audit.pub.pem"
    assert key.read_bytes().startswith(b"-----BEGIN PUBLIC KEY-----")
    assert f"public key: {key}" in exported.stdout
    assert "audit.jsonl -> audit.pub.pem" in " ".join(shown.stdout.split())


def test_a_database_with_no_audit_chain_is_refused_not_exported_as_empty(tmp_path: Path) -> None:
    exported = run_checkpoint("audit", "export", str(tmp_path / "audit.jsonl"), data_dir=tmp_path / "nothing-here")
    assert exported.returncode == 4
    assert "holds no audit chain" in one_line_error(exported) and "CHECKPOINT_DATABASE_URL" in exported.stderr
    assert not (tmp_path / "audit.jsonl").exists()
