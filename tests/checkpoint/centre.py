"""A real central service process for kiosk tests: provision (kiosk + officer), start, stop, restart."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from checkpoint.cli.demo import provision_centre
from checkpoint.settings import Settings
from tests.api.live_server import free_port


@dataclass
class Centre:
    data_dir: Path
    port: int
    kiosk_id: str
    kiosk_secret: str
    passwords: dict[str, str]
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.data_dir / 'central.sqlite3'}"

    def start(self) -> None:
        env = {
            **os.environ,
            "CHECKPOINT_DATA_DIR": str(self.data_dir),
            "CHECKPOINT_RETENTION_INTERVAL_MINUTES": "0",
            "CHECKPOINT_ARGON2_TIME_COST": "1",
            "CHECKPOINT_ARGON2_MEMORY_KIB": "64",
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "checkpoint", "serve", "--port", str(self.port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"centre exited: {self.process.stderr.read().decode()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("centre did not answer within 60 s")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=20)
        self.process = None

    def token(self, username: str) -> str:
        r = httpx.post(f"{self.url}/api/auth/login", json={"username": username, "password": self.passwords[username]})
        r.raise_for_status()
        return r.json()["access_token"]


def provisioned_centre(
    data_dir: Path, kiosk_id: str = "kiosk-test", more_users: dict[str, str] | None = None
) -> Centre:
    """Tables, a registered kiosk and officer/supervisor/auditor users (plus `more_users`: name -> role) with
    known passwords."""
    settings = Settings(data_dir=data_dir, argon2_time_cost=1, argon2_memory_kib=64)
    users = {"officer": "officer", "supervisor": "supervisor", "auditor": "auditor", **(more_users or {})}
    secret, passwords = provision_centre(settings, kiosk_id, "post-test", users)
    return Centre(data_dir, free_port(), kiosk_id, secret, passwords)


def sign_in_on_kiosk(client, username: str, password: str) -> httpx.Response:  # type: ignore[no-untyped-def]
    """Sign in on a kiosk page (TestClient or httpx.Client with cookies); returns the answer, not followed."""
    return client.post("/signin", data={"username": username, "password": password}, follow_redirects=False)
