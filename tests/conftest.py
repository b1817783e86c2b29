"""Fixtures shared by every test package: settings on a temporary data dir, real face images."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from checkpoint.settings import Settings

# The CLI speaks the shell's language (LC_ALL, LC_MESSAGES, LANG), else the post's default, French. Tests that run
# it as a subprocess read its English unless they ask for another language (tests/checkpoint/test_cli_language.py).
os.environ.pop("LC_ALL", None)
os.environ["LC_MESSAGES"] = "en_US.UTF-8"


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings whose data directory is a fresh temporary folder (env var too, for subprocesses)."""
    monkeypatch.setenv("CHECKPOINT_DATA_DIR", str(tmp_path / "data"))
    return Settings()


@pytest.fixture(scope="session")
def lfw_dir() -> Path:
    """The LFW dev copy named by CHECKPOINT_SHARED_DATA; tests needing it skip where it is absent."""
    path = Settings().lfw_dir
    if not (path / "images").is_dir():
        pytest.skip(f"LFW dev images not found at {path} (set CHECKPOINT_SHARED_DATA)")
    return path


@pytest.fixture(scope="session")
def astronaut() -> np.ndarray:
    """Eileen Collins, from scikit-image's bundled data: a real face that needs no download."""
    from skimage import data

    return np.ascontiguousarray(data.astronaut())


@pytest.fixture(scope="session")
def analyzer(tmp_path_factory: pytest.TempPathFactory):
    """The default pipeline without flip augmentation (ONNX embedder, converted into a temporary models dir; the plain
    model id, whose calibration is shipped too), loaded once per session."""
    from edge.face.factory import make_analyzer

    return make_analyzer("onnx", models_dir=tmp_path_factory.mktemp("models"))
