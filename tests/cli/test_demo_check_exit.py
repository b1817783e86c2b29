"""`checkpoint demo --check` is a check: when the sample travellers are not screened as the demo says they will
be, it exits non-zero, so a smoke test that runs it can fail (the outcomes it expects: tests/checkpoint)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.api.live_server import free_port
from tests.cli.run import run_checkpoint


@pytest.mark.slow
def test_demo_check_exits_1_when_the_listed_traveller_is_not_referred_for_the_watchlist(tmp_path: Path) -> None:
    # No face can pass a quality gate asking for 100/100: the listed traveller is referred for that, not for a hit.
    env = {"CHECKPOINT_QUALITY_MIN_SCORE": "100"}
    env |= {"CHECKPOINT_ARGON2_TIME_COST": "1", "CHECKPOINT_ARGON2_MEMORY_KIB": "64"}  # quick demo accounts
    ports = ("--centre-port", str(free_port()), "--kiosk-port", str(free_port()))
    result = run_checkpoint("demo", "--check", *ports, data_dir=tmp_path, env=env, timeout=600)
    assert "screened listed: REFER" in result.stdout, result.stderr[-2000:]
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("checkpoint: the demo check failed: listed was REFER") and "WATCHLIST_FACE_HIT" in last
