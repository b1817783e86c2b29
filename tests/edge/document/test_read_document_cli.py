"""`checkpoint read-document IMAGE`: JSON on stdout; exit 3 and one line on stderr when the input is unusable."""

from __future__ import annotations

import json

import click
import numpy as np
import pytest
from PIL import Image

from benchmarks.datapages import generate_page
from checkpoint.cli.errors import EXIT_BAD_INPUT, run_with_clean_errors
from checkpoint.cli.read_document import read_document


def run(args: list[str]) -> int:
    group = click.Group("checkpoint", commands={"read-document": read_document})
    return run_with_clean_errors(group, ["read-document", *args])


def test_a_good_page_prints_fields_checks_repairs_confidence_and_timing(tmp_path, capsys):
    page = generate_page(31, "TD3", "clean")
    path = tmp_path / "page.jpg"
    path.write_bytes(page.jpeg)
    assert run([str(path), "--today", "2026-01-01", "--no-portrait"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["valid"] is True
    assert out["mrz"] == page.truth["mrz"]
    assert out["fields"]["surname"] == page.truth["identity"]["surname"]
    assert {c["name"] for c in out["checks"]} >= {"check_digits", "not_expired", "nationality_known"}
    assert next(c for c in out["checks"] if c["name"] == "visual_zone_document_number")["ok"] is True
    assert "repairs" in out["repair"] and 0 < out["confidence"] <= 1
    assert {"load", "locate", "ocr"} <= out["timings_ms"].keys()


def test_a_file_that_is_not_an_image_is_one_line_and_exit_3(tmp_path, capsys):
    path = tmp_path / "page.jpg"
    path.write_text("not a picture")
    assert run([str(path)]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "not an image" in err


def test_a_photo_without_an_mrz_is_one_line_and_exit_3(tmp_path, capsys):
    path = tmp_path / "blank.png"
    Image.fromarray(np.full((500, 700, 3), 230, dtype=np.uint8)).save(path)
    assert run([str(path), "--no-portrait"]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "no machine readable zone" in err


@pytest.mark.parametrize("position", [9, 27])  # document number and expiry date check digits
def test_an_mrz_failing_its_check_digits_is_printed_then_refused(tmp_path, capsys, position):
    good = generate_page(32, "TD3", "clean").truth["mrz"]
    bad = (good[0], good[1][:position] + str((int(good[1][position]) + 5) % 10) + good[1][position + 1 :])
    path = tmp_path / "bad.jpg"
    path.write_bytes(generate_page(32, "TD3", "clean", mrz_lines=bad).jpeg)
    assert run([str(path), "--today", "2026-01-01", "--no-portrait"]) == EXIT_BAD_INPUT
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert out["valid"] is False and out["failing"]
    assert "cannot be trusted" in captured.err and len(captured.err.strip().splitlines()) == 1
