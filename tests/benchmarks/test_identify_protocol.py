"""The LFW 1:N protocol split: who is enrolled, which searches are mated and which are non-mated."""

from pathlib import Path

import numpy as np
import pytest

from benchmarks.identify_bench import enrolment_name, lfw_identities, make_protocol, parse_enrolment, run


def paths(name: str, n: int) -> list[Path]:
    return [Path(f"/lfw/images/{name}/{name}_{i:04d}.jpg") for i in range(1, n + 1)]


def test_enrols_first_usable_image_of_identities_with_two_or_more_images():
    people = {"Ann": paths("Ann", 3), "Bob": paths("Bob", 1), "Cid": paths("Cid", 2), "Dee": paths("Dee", 2)}
    has_face = {p: True for ps in people.values() for p in ps}
    has_face[people["Cid"][0]] = False  # Cid's first image has no face: his second is enrolled
    has_face[people["Dee"][0]] = has_face[people["Dee"][1]] = False  # Dee cannot be enrolled
    protocol = make_protocol(people, has_face)
    assert protocol.enrol == [("Ann", people["Ann"][0]), ("Cid", people["Cid"][1])]
    # Cid's faceless first image stays a mated search (a miss), so failures count against the system
    assert protocol.mated == [("Ann", people["Ann"][1]), ("Ann", people["Ann"][2]), ("Cid", people["Cid"][0])]
    assert protocol.nonmated == people["Bob"]
    assert protocol.failed_to_enrol == ["Dee"]


def test_run_scores_a_perfect_system_perfectly_and_counts_faceless_probes_as_misses(tmp_path):
    images = tmp_path / "images"
    layout = {"Ann": 3, "Bob": 1, "Cid": 2, "Eve": 1, "Fay": 1}
    for name, n in layout.items():
        (images / name).mkdir(parents=True)
        for i in range(1, n + 1):
            (images / name / f"{name}_{i:04d}.jpg").write_bytes(b"")
    people = lfw_identities(tmp_path)
    rng = np.random.default_rng(0)
    identity_vectors = {name: rng.standard_normal(128).astype(np.float32) for name in layout}
    no_face = people["Ann"][2]

    def templates_for(ps):
        # every image of a person gets that person's vector: a perfect face model
        vectors = np.stack([identity_vectors[p.parent.name] for p in ps])
        return vectors, [p != no_face for p in ps]

    result = run(tmp_path, templates_for, "m", max_rank=3)
    assert result["enrolled_subjects"] == 2 and result["mated_searches"] == 3
    assert result["nonmated_searches"] == 3 and result["mated_no_face"] == 1
    assert result["rank1"] == np.float64(2 / 3)  # the faceless probe is a miss
    assert result["cmc"] == [2 / 3, 2 / 3, 2 / 3]


def test_multi_image_enrolment_takes_up_to_k_usable_images_and_always_leaves_one_to_search():
    people = {"Ann": paths("Ann", 5), "Bob": paths("Bob", 1), "Cid": paths("Cid", 2)}
    has_face = {p: True for ps in people.values() for p in ps}
    has_face[people["Ann"][1]] = False  # not enrolled: a search (a miss), and the next usable image is enrolled
    protocol = make_protocol(people, has_face, per_subject=3)
    ann = people["Ann"]
    assert protocol.enrol == [("Ann", ann[0]), ("Ann", ann[2]), ("Ann", ann[3]), ("Cid", people["Cid"][0])]
    assert protocol.mated == [("Ann", ann[1]), ("Ann", ann[4]), ("Cid", people["Cid"][1])]
    assert protocol.nonmated == people["Bob"]


def test_enrolment_protocol_names_are_read_and_wrong_ones_refused():
    assert [parse_enrolment(name) for name in ("first", "multi:2", "multi:5")] == [1, 2, 5]
    assert [enrolment_name(k) for k in (1, 2, 5)] == ["first", "multi:2", "multi:5"]
    for wrong in ("multi:1", "multi:11", "multi", "all", "multi:x"):
        with pytest.raises(ValueError, match="'first' or 'multi:K'"):
            parse_enrolment(wrong)


def test_run_reports_normalised_scores_and_the_kiosk_threshold_when_the_calibration_has_a_1_to_n_block(tmp_path):
    from matcher.calibration import Calibration, IdentificationCalibration, OperatingPoint, SizeTable
    from matcher.score_norm import CohortNormalisation

    layout = {f"P{i}": 3 for i in range(8)} | {f"S{i}": 1 for i in range(4)}
    for name, n in layout.items():
        (tmp_path / "images" / name).mkdir(parents=True)
        for i in range(1, n + 1):
            (tmp_path / "images" / name / f"{name}_{i:04d}.jpg").write_bytes(b"")
    rng = np.random.default_rng(1)
    identity_vectors = {
        name: v / np.linalg.norm(v) for name, v in zip(layout, rng.standard_normal((12, 128)), strict=True)
    }

    def templates_for(ps):
        return np.stack([identity_vectors[p.parent.name] for p in ps]).astype(np.float32), [True] * len(ps)

    block = IdentificationCalibration(
        "max", CohortNormalisation(5, 0.5).to_dict(), [SizeTable(8, [OperatingPoint(1e-3, 0.7, 10**6)])]
    )
    raw = [OperatingPoint(1e-3, 0.9, 10**6)]
    calibration = Calibration("m", "hand-made", "x", "2026-12-04", raw, identification=block)
    result = run(tmp_path, templates_for, "m", max_rank=3, calibration=calibration, per_subject=2, target_fpir=0.01)
    assert result["enrolment"] == "multi:2" and result["enrolled_templates"] == 16 and result["mated_searches"] == 8
    assert result["normalised"]["rank1"] == 1.0 and result["normalised"]["normalisation"]["cohort"] == 5
    # 16 templates at FPIR 1 %: FMR 6e-4 wanted; only 1e-3 is tabulated, so its (strictest) threshold is used
    computed = result["at_computed_watchlist_threshold"]
    assert computed["normalised"] and computed["threshold"] == 0.7 and computed["fnir"] == 0.0
