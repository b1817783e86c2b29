"""The service's commands: `checkpoint users add` then `checkpoint serve` answering on loopback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx
from click.testing import CliRunner

from benchmarks.ingest_bench import free_port
from checkpoint.cli.users import users
from checkpoint.settings import get_settings

PASSWORD = "a long enough password"


def test_users_add_then_serve_then_log_in(tmp_path, monkeypatch):
    env = {"CHECKPOINT_DATA_DIR": str(tmp_path / "data"), "CHECKPOINT_RETENTION_INTERVAL_MINUTES": "0"}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    try:
        made = CliRunner().invoke(users, ["add", "root", "--role", "admin", "--password", PASSWORD])
        short = CliRunner().invoke(users, ["add", "bob", "--role", "admin", "--password", "short"])
    finally:
        get_settings.cache_clear()
    assert made.exit_code == 0, made.output
    assert "created admin root" in made.output
    assert short.exit_code == 2 and "at least 12 characters" in short.output

    port = free_port()
    code = "from checkpoint.cli.serve import serve; serve()"
    server = subprocess.Popen(
        [sys.executable, "-c", code, "--port", str(port)],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                response = httpx.post(
                    f"http://127.0.0.1:{port}/api/auth/login",
                    json={"username": "root", "password": PASSWORD},
                    timeout=2,
                )
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
                assert time.monotonic() < deadline, "checkpoint serve did not answer within 60 s"
                time.sleep(0.2)
        assert response.status_code == 200
        assert response.json()["role"] == "admin"
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=15)
    assert b"serving on http://127.0.0.1" in server.stderr.read()
