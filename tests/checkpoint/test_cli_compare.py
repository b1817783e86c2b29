"""`checkpoint compare` as a user runs it: output, exit codes, one-line errors (the demo: test_cli_demo.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest


def _run(*args: str, env_data: Path) -> subprocess.CompletedProcess:
    import os

    env = {**os.environ, "CHECKPOINT_DATA_DIR": str(env_data)}
    return subprocess.run(
        [sys.executable, "-m", "checkpoint", *args], capture_output=True, text=True, env=env, timeout=300
    )


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory, astronaut: np.ndarray) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("photos")
    from skimage import data

    files = {
        "a": astronaut,
        "a2": cv2.resize(astronaut[:, ::-1], (0, 0), fx=0.8, fy=0.8),
        "coffee": data.coffee(),
    }
    out = {}
    for name, rgb in files.items():
        out[name] = folder / f"{name}.png"
        cv2.imwrite(str(out[name]), cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2BGR))
    out["broken"] = folder / "broken.jpg"
    out["broken"].write_bytes(out["a"].read_bytes()[:500])
    return out


def test_same_person_reports_similarity_threshold_and_quality(photos, tmp_path: Path) -> None:
    result = _run("compare", str(photos["a"]), str(photos["a2"]), env_data=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("SAME PERSON")
    assert "threshold" in result.stdout and "quality" in result.stdout
    # dlib's HOG saw a second, tiny "face" in the astronaut photo; YuNet, the default detector, sees only hers.
    assert "other face(s)" not in result.stdout


def test_json_output_carries_the_decision(photos, tmp_path: Path) -> None:
    result = _run("compare", str(photos["a"]), str(photos["a2"]), "--json", env_data=tmp_path)
    body = json.loads(result.stdout)
    assert body["match"] is True and body["similarity"] >= body["threshold"]
    assert body["fmr"] == 1e-3
    assert "embedding" not in json.dumps(body), "templates are personal data: never printed"


@pytest.mark.parametrize(
    ("name", "expected_code", "message"),
    [
        ("coffee", 3, "no face found in"),
        ("broken", 3, "damaged or truncated"),
        ("missing", 3, "does not exist"),
    ],
)
def test_bad_input_is_one_line_and_a_nonzero_exit(photos, tmp_path: Path, name, expected_code, message) -> None:
    path = photos.get(name, tmp_path / "missing.jpg")
    result = _run("compare", str(photos["a"]), str(path), env_data=tmp_path)
    assert result.returncode == expected_code
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("checkpoint: ") and message in lines[0]
    assert "Traceback" not in result.stderr


def test_unknown_fmr_is_refused_with_advice(photos, tmp_path: Path) -> None:
    result = _run("compare", str(photos["a"]), str(photos["a2"]), "--fmr", "1e-9", env_data=tmp_path)
    assert result.returncode == 4
    assert "no threshold at FMR 1e-09" in result.stderr and "recalibrate" in result.stderr
