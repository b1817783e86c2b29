"""`checkpoint bench report` on a small slice of LFW-dev: the figures auditors read, and their re-verification."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.report.run import ReportRequest, build, compare_headlines, headline, write

pytestmark = pytest.mark.lfw


@pytest.fixture(scope="module")
def mini(lfw_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """20 enrolled people (3 images each) and 15 never enrolled, with made-up group labels A/B."""
    root = tmp_path_factory.mktemp("mini")
    images = root / "images"
    people = sorted((lfw_dir / "images").iterdir())
    multi = [p for p in people if len(list(p.iterdir())) >= 3][:20]
    single = [p for p in people if len(list(p.iterdir())) == 1][:15]
    for person in multi + single:
        (images / person.name).mkdir(parents=True)
        for image in sorted(person.iterdir())[:3]:
            (images / person.name / image.name).symlink_to(image)
    groups = root / "groups.csv"
    groups.write_text("subject,group\n" + "".join(f"{p.name},{'AB'[i % 2]}\n" for i, p in enumerate(multi + single)))
    return {"root": root, "images": images, "groups": groups, "data": tmp_path_factory.mktemp("data")}


@pytest.fixture(scope="module")
def built(mini: dict[str, Path]) -> tuple[dict, dict[str, bytes], Path]:
    request = ReportRequest(images=str(mini["images"]), groups=str(mini["groups"]), iterations=200)
    report, plots = build(
        request, mini["data"] / "templates.sqlite", [], {"models_dir": mini["data"] / "models"}, progress=False
    )
    json_path, _ = write(report, plots, mini["root"] / "out", "mini")
    return report, plots, json_path


def test_rates_carry_intervals_and_small_data_is_flagged(built) -> None:
    report, _, _ = built
    v = report["verification"]
    assert v["genuine_comparisons"] == 20 * 3  # three same-person pairs for each enrolled person
    for row in v["fnmr_at_fmr"]:
        f = row["fnmr"]
        assert f["low"] <= f["rate"] <= f["high"] and f["trials"] == 60
    too_small = [r for r in v["fnmr_at_fmr"] if not r["supported"]]
    # 75 images: (75^2 - 20*3^2 - 15) / 2 = 2,715 impostor comparisons; the rule of 3 needs 3,000 for 1e-3.
    assert v["impostor_comparisons"] == 2715
    assert [r["fmr"] for r in too_small] == [1e-3, 1e-4]
    assert "cannot support FMR 0.001" in too_small[0]["note"]
    assert v["deployed"]["target_fmr"] == 1e-3, "the shipped calibration's operating point is reported"


def test_identification_follows_the_protocol(built) -> None:
    i = built[0]["identification"]
    assert i["enrolled_subjects"] == 20 and i["mated_searches"] == 40 and i["nonmated_searches"] == 15
    assert i["cmc"][0] == pytest.approx(1 - i["rank1"]["rate"])
    assert all(not row["supported"] for row in i["fnir_at_fpir"]), "15 non-mated searches support no FPIR of 1%"


def test_groups_get_their_own_rates_and_a_ratio(built) -> None:
    demo = built[0]["demographics"]
    assert set(demo["groups"]) == {"A", "B"}
    assert demo["groups"]["A"]["subjects"] + demo["groups"]["B"]["subjects"] == 35
    assert "value" in demo["fnmr_ratio"] and "note" in demo["fmr_ratio"] or "value" in demo["fmr_ratio"]


def test_reproducibility_record_is_complete(built) -> None:
    meta = built[0]["reproducibility"]
    for key in ("dataset_fingerprint", "model_id", "model_file_sha256", "calibration_sha256", "code_version", "seed"):
        assert meta[key] is not None, key
    assert meta["command"].startswith("CHECKPOINT_EMBEDDER=onnx") and "--seed 0" in meta["command"]


def test_html_is_self_contained_with_curves(built, mini) -> None:
    html = (mini["root"] / "out" / "mini.html").read_text()
    assert html.count('src="data:image/png;base64,') == 4  # ROC, DET, histogram, CMC
    for heading in ("Verification (1:1)", "Identification (1:N)", "Demographic differentials", "Reproducibility"):
        assert heading in html
    assert "http://" not in html and "https://" not in html, "nothing fetched when an auditor opens it offline"


def test_recomputed_report_has_identical_headlines(built, mini) -> None:
    report, _, _ = built
    again, _ = build(
        ReportRequest(**report["request"]),
        mini["data"] / "templates.sqlite",
        [],
        {"models_dir": mini["data"] / "models"},
        progress=False,
    )
    assert all(same for *_, same in compare_headlines(headline(report), headline(again)))


def test_verify_report_cli_catches_an_edited_figure(built, mini) -> None:
    report, _, json_path = built
    edited = dict(report, verification=dict(report["verification"], eer=report["verification"]["eer"] + 0.01))
    tampered = mini["root"] / "tampered.json"
    tampered.write_text(json.dumps(edited))
    env = {**os.environ, "CHECKPOINT_DATA_DIR": str(mini["data"].parent / "cli-data")}
    cmd = [sys.executable, "-m", "checkpoint", "bench", "verify-report"]
    good = subprocess.run([*cmd, str(json_path)], capture_output=True, text=True, env=env, timeout=600)
    assert good.returncode == 0, good.stderr
    assert "figures reproduce" in good.stdout
    bad = subprocess.run([*cmd, str(tampered)], capture_output=True, text=True, env=env, timeout=600)
    assert bad.returncode == 1
    assert "DIFFERS eer" in bad.stdout and "did not reproduce: eer" in bad.stderr


def test_a_flip_report_records_flip_and_recomputes_with_it_whatever_the_verifiers_setting(built, mini) -> None:
    options = {"models_dir": mini["data"] / "models", "flip": False}  # the verifier's own setting: flip off
    request = ReportRequest(images=str(mini["images"]), iterations=200, flip=True)
    report, _ = build(request, mini["data"] / "templates.sqlite", [], options, progress=False)
    meta = report["reproducibility"]
    assert report["request"]["flip"] is True and meta["model_id"].endswith("-flip")
    assert "CHECKPOINT_FACE_FLIP=1" in meta["command"]
    assert meta["model_id"] != built[0]["reproducibility"]["model_id"]  # not the plain templates' report
    again, _ = build(ReportRequest(**report["request"]), mini["data"] / "templates.sqlite", [], options, progress=False)
    assert again["reproducibility"]["model_id"] == meta["model_id"]
    assert all(same for *_, same in compare_headlines(headline(report), headline(again)))
