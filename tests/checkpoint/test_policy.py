"""The policy file: the shipped one validates; each mistake an operator can make is named at start-up."""

from __future__ import annotations

import hashlib
import re

import pytest

from checkpoint.pipeline.screening import Thresholds
from checkpoint.policy import DEFAULT_POLICY, PolicyError, load_policy
from matcher.calibration import CalibrationError, load_calibration

TEXT = DEFAULT_POLICY.read_text()


def test_default_policy_asks_for_a_watchlist_fpir_and_has_its_hash():
    policy = load_policy()
    assert policy.watchlist_fpir == 0.01  # the share of travellers on no list who may alarm
    assert policy.sha256 == hashlib.sha256(DEFAULT_POLICY.read_bytes()).hexdigest()
    assert all(policy.mandatory(c) for c in policy.checks)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda t: t.replace("watchlist_fpir = 0.01", "watchlist_fpir = 0.01\nwatchlist_threshold = 0.6"),
            "unknown key(s) watchlist_threshold",
        ),
        (
            lambda t: t.replace("watchlist_fpir = 0.01", "watchlist_fpir = 0.9"),
            "matching.watchlist_fpir must be a share of travellers",
        ),
        (lambda t: t.replace("watchlist_fpir = 0.01\n", ""), "matching.watchlist_fpir must be a share of travellers"),
        # A policy written before issue 16 names the 1:N target the old way: it is refused, saying what replaces it.
        (
            lambda t: t.replace("watchlist_fpir = 0.01", "watchlist_fmr = 1e-5\nmax_watchlist_fpir = 0.01"),
            "watchlist_fmr and max_watchlist_fpir are replaced by watchlist_fpir",
        ),
        (lambda t: t.replace('document = "mandatory"', 'document = "sometimes"'), "checks.document must be"),
        (lambda t: "\n".join(x for x in t.splitlines() if not x.startswith("FACE_MISMATCH")), "FACE_MISMATCH"),
        (lambda t: t.replace("max_frames = 10", "max_frames = ten"), "not valid TOML"),
        (lambda t: t.replace("[capture]", "[camera]"), "unknown section [camera]"),
        (
            lambda t: re.sub(r"live_threshold = .*", "live_threshold = 1.5", t),
            "presentation_attack.live_threshold must be a score from 0 to below 1",
        ),
        (
            lambda t: re.sub(r"live_threshold = .*", "", t),
            "presentation_attack.live_threshold must be a score from 0 to below 1",
        ),
        (lambda t: t.replace('presentation_attack = "mandatory"', ""), "checks.presentation_attack must be"),
        (
            lambda t: "\n".join(x for x in t.splitlines() if not x.startswith("PRESENTATION_ATTACK_SUSPECTED")),
            "PRESENTATION_ATTACK_SUSPECTED",
        ),
    ],
)
def test_invalid_policy_is_refused_with_what_to_fix(tmp_path, edit, message):
    path = tmp_path / "policy.toml"
    path.write_text(edit(TEXT))
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    assert message in str(caught.value) and str(path) in str(caught.value)


def test_missing_policy_file_names_the_setting(tmp_path):
    with pytest.raises(PolicyError, match="CHECKPOINT_KIOSK_POLICY"):
        load_policy(tmp_path / "absent.toml")


def test_fmr_the_calibration_cannot_back_is_refused_at_start_up(tmp_path):
    path = tmp_path / "policy.toml"
    path.write_text(TEXT.replace("face_vs_document_fmr = 1e-3", "face_vs_document_fmr = 1e-9"))
    calibration = load_calibration("dlib-resnet-v1-55533b28a958")
    with pytest.raises(CalibrationError, match="no threshold at FMR 1e-09"):
        Thresholds.from_policy(calibration, load_policy(path))
