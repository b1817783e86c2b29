"""`checkpoint bench pad`, run as a user does: error rates per set at the policy's threshold, and the JSON."""

from __future__ import annotations

import json

import pytest

from benchmarks.pad_attacks import SPECIES
from checkpoint.settings import Settings
from tests.cli.run import run_checkpoint


@pytest.mark.slow
def test_bench_pad_reports_bpcer_and_apcer_per_species_with_intervals(tmp_path):
    out = tmp_path / "results"
    result = run_checkpoint(
        "bench",
        "pad",
        "--bona-fide",
        "4",
        "--attacks",
        "3",
        "--travellers",
        "0",
        "--results-dir",
        str(out),
        data_dir=tmp_path / "data",
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads((out / "pad.json").read_text())
    assert report["policy_threshold"] > 0  # the shipped policy's threshold, not a number of the benchmark's own
    demo = report["bona_fide"]["demo_travellers"]
    assert demo["bpcer"]["trials"] + demo["no_face_found"] == 10  # the astronaut and Grace Hopper, 5 frames each
    assert demo["bpcer"]["low"] <= demo["bpcer"]["rate"] <= demo["bpcer"]["high"]
    assert "they cannot show" in report["statement"] and "not presentations" in result.stdout
    if not (Settings().lfw_dir / "images").is_dir():
        return
    assert set(report["attacks"]) == set(SPECIES)
    for species, entry in report["attacks"].items():
        assert entry["presentations"] == 3, species
        assert entry["apcer"] is None or entry["apcer"]["trials"] + entry["no_face_found"] == 3
        assert species in result.stdout
    assert report["bona_fide"]["lfw_dev"]["presentations"] == 4


def test_a_threshold_of_one_is_a_usage_error(tmp_path):
    result = run_checkpoint("bench", "pad", "--threshold", "1", data_dir=tmp_path / "data")
    assert result.returncode == 2 and "--threshold" in result.stderr
