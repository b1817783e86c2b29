"""The MRZ benchmark runs end to end on a few pages and keeps its table and JSON."""

from __future__ import annotations

import json

import pytest

from benchmarks.mrz_bench import format_table, run
from edge.document.ocr import MrzOcr
from edge.document.reader import DocumentReader


@pytest.mark.slow
def test_one_page_per_cell_gives_the_table_and_the_json(tmp_path):
    out = tmp_path / "mrz.json"
    results = run(DocumentReader(MrzOcr()), pages_per_cell=1, warmup=0, out_file=out, progress=False)
    saved = json.loads(out.read_text())
    assert saved["overall"]["pages"] == 9
    assert set(saved["by_level"]) == {"clean", "moderate", "hard"}
    assert saved["machine_before"]["cpu_count"] and len(saved["machine_before"]["load_average"]) == 3
    assert saved["by_level"]["clean"]["exact"] == 1.0  # three clean pages: all read exactly
    assert saved["overall"]["wrong_but_valid"] == 0
    table = format_table(results)
    assert "clean/TD3" in table and "targets met" in table
