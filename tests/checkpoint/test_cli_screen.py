"""`checkpoint screen` as a user runs it: JSON recommendation, and one-line errors for bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def _run(*args: str, data: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "CHECKPOINT_DATA_DIR": str(data)}
    return subprocess.run(
        [sys.executable, "-m", "checkpoint", *args], capture_output=True, text=True, env=env, timeout=300
    )


def test_screen_prints_the_recommendation_as_json(traveller, tmp_path):
    document, frames = traveller.write(tmp_path / "traveller")
    result = _run("screen", "--document", str(document), "--face", str(frames), data=tmp_path / "data")
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    # No snapshot installed on this kiosk: the mandatory watchlist checks cannot be done, so REFER, never silence.
    assert body["recommendation"] == "REFER" and [r["code"] for r in body["reasons"]] == ["NO_SNAPSHOT"]
    assert body["face_match_score"] >= body["face_match_threshold"]
    assert len(body["policy_sha256"]) == 64


def test_bad_inputs_are_one_line_errors(traveller, tmp_path):
    document, frames = traveller.write(tmp_path / "traveller")
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(document.read_bytes()[:300])
    result = _run("screen", "--document", str(broken), "--face", str(frames), data=tmp_path / "data")
    assert result.returncode == 3 and result.stderr.count("\n") == 1 and "broken.jpg" in result.stderr
    result = _run("screen", "--document", str(document), "--face", str(tmp_path / "nope"), data=tmp_path / "data")
    assert result.returncode == 3 and "frame source" in result.stderr and "camera:N" in result.stderr
    bad_policy = tmp_path / "policy.toml"
    bad_policy.write_text("[matching]\nwatchlist_fmr = 2\n")
    result = _run(
        "screen",
        "--document",
        str(document),
        "--face",
        str(frames),
        "--policy",
        str(bad_policy),
        data=tmp_path / "data",
    )
    assert result.returncode == 3 and "policy.toml" in result.stderr and result.stderr.count("\n") == 1
