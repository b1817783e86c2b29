"""`checkpoint demo` on a machine without LFW-dev keeps the README's promise: one sample traveller is referred for
the watchlist and another one, on no list, is cleared; and when the centre or the kiosk dies, the demo says so and
stops the other instead of going quiet."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.api.live_server import free_port
from tests.cli.run import run_checkpoint

QUICK_ACCOUNTS = {"CHECKPOINT_ARGON2_TIME_COST": "1", "CHECKPOINT_ARGON2_MEMORY_KIB": "64"}


@pytest.mark.slow
def test_without_lfw_the_demo_still_has_a_traveller_who_is_cleared(tmp_path: Path) -> None:
    no_lfw = tmp_path / "no-shared-data"
    no_lfw.mkdir()
    env = {**QUICK_ACCOUNTS, "CHECKPOINT_SHARED_DATA": str(no_lfw)}
    ports = ("--centre-port", str(free_port()), "--kiosk-port", str(free_port()))
    result = run_checkpoint("demo", "--check", *ports, data_dir=tmp_path / "data", env=env, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "screened listed: REFER" in result.stdout
    assert "screened not-listed: CLEAR" in result.stdout, result.stdout[-2000:]


def _children(pid: int) -> dict[int, str]:
    """The processes whose parent is `pid`, with their command lines."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found[int(entry.name)] = cmdline
    return found


@pytest.mark.slow
def test_when_the_centre_dies_the_demo_says_why_and_stops_the_kiosk(tmp_path: Path) -> None:
    env = {
        **os.environ,
        **QUICK_ACCOUNTS,
        "CHECKPOINT_DATA_DIR": str(tmp_path),
        "CHECKPOINT_SHARED_DATA": str(tmp_path / "none"),
    }
    ports = ("--centre-port", str(free_port()), "--kiosk-port", str(free_port()))
    demo = subprocess.Popen(
        [sys.executable, "-m", "checkpoint", "demo", *ports],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        for line in demo.stdout:  # running: both services answered
            if "Press Ctrl-C" in line:
                break
        children = _children(demo.pid)
        centre = next(pid for pid, cmd in children.items() if " serve " in cmd)
        kiosk = next(pid for pid, cmd in children.items() if " kiosk " in cmd)
        os.kill(centre, signal.SIGKILL)
        code = demo.wait(timeout=60)
        stderr = demo.stderr.read()
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait()
    assert code != 0
    assert "centre" in stderr and "exit code -9" in stderr, stderr
    deadline = time.monotonic() + 5
    while Path(f"/proc/{kiosk}").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not Path(f"/proc/{kiosk}").exists(), "the kiosk was left running"
