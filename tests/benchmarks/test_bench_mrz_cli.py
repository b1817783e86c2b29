"""`checkpoint bench mrz` as a user runs it: --level real-like and --set, their errors, and the JSON it keeps."""

from __future__ import annotations

import json

import pytest

from benchmarks.mrz_outcomes import CAUSES
from tests.cli.run import one_line_error, run_checkpoint


def test_an_unknown_level_is_refused_in_one_line_with_exit_2(tmp_path):
    result = run_checkpoint("bench", "mrz", "--level", "very-hard", "--quiet", data_dir=tmp_path)
    assert result.returncode == 2
    assert "--level" in one_line_error(result) and "real-like" in result.stderr


def test_a_level_and_a_set_together_are_refused_in_one_line_with_exit_2(tmp_path):
    result = run_checkpoint("bench", "mrz", "--level", "real-like", "--set", "real", "--quiet", data_dir=tmp_path)
    assert result.returncode == 2
    assert "--set" in one_line_error(result)


@pytest.mark.slow
def test_a_real_like_run_exits_0_and_keeps_each_failure_cause_and_the_time_per_image(tmp_path):
    out = tmp_path / "mrz-real-like.json"
    result = run_checkpoint(
        "bench", "mrz", "--level", "real-like", "--pages-per-cell", "1", "--seed", "3", "--out", str(out), "--quiet",
        data_dir=tmp_path, timeout=900,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    saved = json.loads(out.read_text())
    level = saved["by_level"]["real-like"]
    assert level["pages"] == 4 and set(saved["by_cell"]) == {f"real-like/{x}" for x in ("TD1", "TD3", "MRV-A", "MRV-B")}
    assert list(level["failure_causes"]) == list(CAUSES)
    assert sum(level["failure_causes"].values()) == len(saved["failures"])
    assert level["median_s"] <= level["p95_s"] <= level["max_s"]
    assert {"real_like_exact", "real_like_max_s", "wrong_but_valid"} <= set(saved["targets_met"])
    assert "failure causes, real-like" in result.stdout
