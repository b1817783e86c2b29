"""`checkpoint demo` (the README's main command): centre + kiosk come up, users are printed once with where to sign
in, the sample listed traveller is referred and the unlisted one cleared through the running kiosk, signed in."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.api.live_server import free_port


def _demo(data: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "CHECKPOINT_DATA_DIR": str(data),
        "CHECKPOINT_ARGON2_TIME_COST": "1",
        "CHECKPOINT_ARGON2_MEMORY_KIB": "64",
    }
    args = ["--check", "--centre-port", str(free_port()), "--kiosk-port", str(free_port())]
    return subprocess.run(
        [sys.executable, "-m", "checkpoint", "demo", *args], capture_output=True, text=True, env=env, timeout=600
    )


@pytest.mark.slow
def test_demo_starts_centre_and_kiosk_and_screens_the_sample_travellers(tmp_path):
    first = _demo(tmp_path)
    assert first.returncode == 0, first.stderr[-2000:]
    assert re.search(r"officer\s+\S{12,}\s+\(officer\)", first.stdout) and "/ui/login" in first.stdout
    assert "sign in as officer" in first.stdout and "demo-check " not in first.stdout  # its password stays unprinted
    assert "signed in on the kiosk as demo-check" in first.stdout  # --check screens as a signed-in officer
    assert "screened listed: REFER WATCHLIST_FACE_HIT" in first.stdout
    if "not-listed" in first.stdout:  # an LFW-dev person not on the list, when LFW-dev is on this machine
        assert "screened not-listed: CLEAR" in first.stdout
    second = _demo(tmp_path)  # a re-run reuses everything and never prints passwords again
    assert second.returncode == 0, second.stderr[-2000:]
    assert "Demo users" not in second.stdout and "screened listed: REFER" in second.stdout
