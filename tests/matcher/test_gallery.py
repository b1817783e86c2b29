"""Gallery behaviour a watchlist user relies on: grouped 1:N results, 1:1 compare, updates, removal, errors."""

import numpy as np
import pytest

from matcher import index_choice
from matcher.calibration import Calibration, CalibrationError, OperatingPoint
from matcher.errors import (
    DuplicateTemplateId,
    EmptyGallery,
    GalleryTooSmall,
    IndexUnusable,
    InvalidTemplate,
    UnknownTemplateId,
    WrongDimension,
    WrongModel,
)
from matcher.gallery import Gallery
from matcher.score_norm import CohortNormalisation
from tests.matcher.conftest import DIM, MODEL, near, unit

SPECS = ["Flat", "HNSW16 efSearch=64", "IVF8,Flat nprobe=8"]


def vec(people, template_id: int) -> np.ndarray:
    """The enrolled vector of a template id of the `people` fixture (ids 10*i + j, stored in order)."""
    return people[2][3 * (template_id // 10) + template_id % 10]


def build(people, spec="Flat", **kwargs) -> Gallery:
    subjects, ids, vectors, _ = people
    gallery = Gallery(MODEL, DIM, spec, background_rebuild=False, **kwargs)
    gallery.add_many(subjects, ids, vectors, MODEL)
    return gallery


@pytest.mark.parametrize("spec", SPECS)
def test_search_finds_the_subject_first_and_lists_each_subject_once(people, rng, spec):
    gallery = build(people, spec)
    bases = people[3]
    probe = near(rng, bases[17], 1)[0]
    found = gallery.search(probe, MODEL, k=5)
    assert found[0].subject_id == "s017"
    assert found[0].template_id in {170, 171, 172}
    assert len({c.subject_id for c in found}) == len(found) == 5  # three templates, one line per subject
    assert [c.score for c in found] == sorted((c.score for c in found), reverse=True)


def test_best_template_of_a_subject_is_the_one_reported(people):
    gallery = build(people)
    found = gallery.search(vec(people, 171), MODEL, k=1)
    assert found[0].template_id == 171 and found[0].score == pytest.approx(1.0, abs=1e-5)


def test_min_score_keeps_only_candidates_at_or_above_it(people, rng):
    gallery = build(people)
    probe = near(rng, people[3][5], 1)[0]
    everything = gallery.search(probe, MODEL, k=50)
    cut = everything[3].score
    kept = gallery.search(probe, MODEL, k=50, min_score=cut)
    assert kept == everything[:4]
    assert gallery.search(unit(rng, 1)[0], MODEL, k=5, min_score=0.99) == []


def test_threshold_comes_from_the_calibration_at_a_named_fmr(people, rng):
    gallery = build(people)
    calibration = Calibration(MODEL, "hand-made", "x", "2026-01-01", [OperatingPoint(1e-3, 0.9, 1000)])
    probe = near(rng, people[3][5], 1)[0]
    found = gallery.search_at_fmr(probe, MODEL, calibration, fmr=1e-3, k=10)
    assert found and all(c.score >= 0.9 for c in found)
    assert found == gallery.search(probe, MODEL, k=10, min_score=calibration.threshold_at(1e-3))
    other = Calibration("other-model", "hand-made", "x", "2026-01-01", [OperatingPoint(1e-3, 0.9, 1000)])
    with pytest.raises(WrongModel):
        gallery.search_at_fmr(probe, MODEL, other, fmr=1e-3)
    with pytest.raises(CalibrationError):
        gallery.search_at_fmr(probe, MODEL, calibration, fmr=1e-5)


def test_more_candidates_than_first_fetched_are_found_when_subjects_have_many_templates(rng):
    gallery = Gallery(MODEL, DIM, background_rebuild=False)
    base = unit(rng, 1)[0]
    # One subject with 50 near-identical templates would crowd out everyone else in a naive top-k.
    gallery.add("crowd", list(range(50)), near(rng, base, 50, noise=0.01), MODEL)
    for i in range(10):
        gallery.add(f"other{i}", [100 + i], near(rng, base, 1, noise=0.5), MODEL)
    found = gallery.search(base, MODEL, k=5)
    assert len(found) == 5 and found[0].subject_id == "crowd"
    assert len({c.subject_id for c in found}) == 5


def test_batch_search_equals_one_by_one(people, rng):
    gallery = build(people)
    probes = np.stack([near(rng, people[3][i], 1)[0] for i in (1, 50, 199)])
    assert gallery.search_batch(probes, MODEL, k=3) == [gallery.search(p, MODEL, k=3) for p in probes]


def test_compare_one_to_one(people):
    gallery = build(people)
    vectors = people[2]
    assert gallery.compare(vectors[0], MODEL, 0) == pytest.approx(1.0, abs=1e-5)
    assert gallery.compare(vectors[0], MODEL, 1) == pytest.approx(float(vectors[0] @ vectors[1]), abs=1e-5)
    with pytest.raises(UnknownTemplateId):
        gallery.compare(vectors[0], MODEL, 999_999)


@pytest.mark.parametrize("spec", SPECS)
def test_a_removed_subject_is_never_returned(people, spec):
    gallery = build(people, spec, rebuild_dead_fraction=0.99)
    probes = np.stack([vec(people, t) for t in (170, 171, 172)])
    assert gallery.search(probes[0], MODEL, k=1)[0].subject_id == "s017"
    assert sorted(gallery.remove_subject("s017")) == [170, 171, 172]
    everyone = gallery.search_batch(probes, MODEL, k=len(people[0]))
    assert all(c.subject_id != "s017" for row in everyone for c in row)
    assert len(everyone[0]) == 199  # every other subject is still there
    assert 170 not in gallery and len(gallery) == 597
    with pytest.raises(UnknownTemplateId):
        gallery.compare(probes[0], MODEL, 170)


@pytest.mark.parametrize("spec", SPECS)
def test_removing_one_template_keeps_the_subject_through_its_others(people, spec):
    gallery = build(people, spec)
    gallery.remove([171])
    found = gallery.search(vec(people, 171), MODEL, k=3)
    assert found[0].subject_id == "s017" and found[0].template_id in {170, 172}
    assert gallery.templates_of("s017") == [170, 172]


def test_removed_ids_can_be_enrolled_again(people, rng):
    gallery = build(people)
    gallery.remove_subject("s001")
    fresh = unit(rng, 1)
    gallery.add("s001", [10], fresh, MODEL)
    assert gallery.search(fresh[0], MODEL, k=1)[0].template_id == 10


def test_update_replaces_the_vector_and_keeps_id_and_subject(people, rng):
    gallery = build(people)
    fresh = unit(rng, 1)[0]
    gallery.update(42, fresh, MODEL)
    top = gallery.search(fresh, MODEL, k=1)[0]
    assert (top.subject_id, top.template_id) == ("s004", 42)
    assert top.score == pytest.approx(1.0, abs=1e-5)
    with pytest.raises(UnknownTemplateId):
        gallery.update(999_999, fresh, MODEL)


def test_replace_subject_swaps_all_its_templates(people, rng):
    gallery = build(people)
    fresh = unit(rng, 2)
    gallery.replace_subject("s009", [90, 5000], fresh, MODEL)
    assert gallery.templates_of("s009") == [90, 5000]
    assert gallery.search(fresh[1], MODEL, k=1)[0].template_id == 5000
    assert 91 not in gallery and 92 not in gallery


def test_rebuild_compacts_and_keeps_every_live_template(people):
    gallery = build(people, rebuild_dead_fraction=0.99)
    vectors = people[2]
    for i in range(0, 100):
        gallery.remove_subject(f"s{i:03d}")
    before = gallery.search_batch(vectors[300:600:7], MODEL, k=5)
    gallery.rebuild()
    assert gallery._state.dead == 0 and gallery._state.size == 300
    assert gallery.search_batch(vectors[300:600:7], MODEL, k=5) == before


def test_many_removals_trigger_a_compacting_rebuild(people):
    gallery = build(people, rebuild_dead_fraction=0.2)
    for i in range(0, 70):
        gallery.remove_subject(f"s{i:03d}")
    gallery.wait_for_maintenance()
    assert gallery._state.dead < 0.2 * gallery._state.size
    assert len(gallery) == 390


def test_gallery_switches_to_the_approximate_index_past_the_exact_limit(people, monkeypatch):
    monkeypatch.setattr(index_choice, "EXACT_LIMIT", 500)
    subjects, ids, vectors, _ = people
    gallery = Gallery(MODEL, DIM, background_rebuild=False)
    gallery.add_many(subjects[:450], ids[:450], vectors[:450], MODEL)
    assert gallery.spec.exact
    gallery.add_many(subjects[450:], ids[450:], vectors[450:], MODEL)
    assert not gallery.spec.exact and gallery.spec.factory.startswith("HNSW")
    assert gallery.search(vectors[500], MODEL, k=1)[0].template_id == ids[500]
    # a bulk load of a big gallery builds the approximate index straight away
    big = Gallery(MODEL, DIM, background_rebuild=False)
    big.add_many(subjects, ids, vectors, MODEL)
    assert not big.spec.exact


# --- bad input: each a named error, and nothing changes ------------------------------------------------------


def test_templates_of_another_model_are_refused(people):
    gallery = build(people)
    with pytest.raises(WrongModel, match="other-model"):
        gallery.add("x", [9999], people[2][:1], "other-model")
    with pytest.raises(WrongModel):
        gallery.search(people[2][0], "other-model")
    assert len(gallery) == 600


def test_wrong_dimension_is_refused(people, rng):
    gallery = build(people)
    with pytest.raises(WrongDimension):
        gallery.add("x", [9999], unit(rng, 1, DIM + 1), MODEL)
    with pytest.raises(WrongDimension):
        gallery.search(np.ones(DIM - 1, np.float32), MODEL)
    assert len(gallery) == 600


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_or_infinite_templates_are_refused_naming_the_row(people, rng, bad):
    gallery = build(people)
    batch = unit(rng, 3)
    batch[2, 5] = bad
    with pytest.raises(InvalidTemplate, match="row 2"):
        gallery.add_many(["x", "x", "x"], [9000, 9001, 9002], batch, MODEL)
    assert len(gallery) == 600 and 9000 not in gallery
    with pytest.raises(InvalidTemplate):
        gallery.search(batch[2], MODEL)


def test_zero_vectors_are_refused(people):
    gallery = build(people)
    with pytest.raises(InvalidTemplate, match="zero vector"):
        gallery.add("x", [9000], np.zeros((1, DIM), np.float32), MODEL)
    with pytest.raises(InvalidTemplate, match="zero vector"):
        gallery.search(np.zeros(DIM, np.float32), MODEL)


def test_unnormalised_templates_are_normalised_so_scores_stay_cosines(rng):
    gallery = Gallery(MODEL, DIM, background_rebuild=False)
    v = unit(rng, 1)
    gallery.add("x", [1], 7.5 * v, MODEL)
    assert gallery.search(3.0 * v[0], MODEL, k=1)[0].score == pytest.approx(1.0, abs=1e-5)


def test_duplicate_ids_are_refused_and_nothing_is_added(people, rng):
    gallery = build(people)
    with pytest.raises(DuplicateTemplateId, match="already in the gallery"):
        gallery.add_many(["x", "y"], [123456, 10], unit(rng, 2), MODEL)
    assert 123456 not in gallery and len(gallery) == 600
    with pytest.raises(DuplicateTemplateId, match="more than once"):
        gallery.add("x", [777, 777], unit(rng, 2), MODEL)
    assert 777 not in gallery


def test_removing_an_unknown_id_removes_nothing(people):
    gallery = build(people)
    with pytest.raises(UnknownTemplateId):
        gallery.remove([0, 1, 424242])
    assert 0 in gallery and 1 in gallery and len(gallery) == 600
    with pytest.raises(UnknownTemplateId):
        gallery.remove_subject("nobody")


def test_searching_an_empty_gallery_is_an_error_not_an_empty_answer(rng):
    gallery = Gallery(MODEL, DIM)
    with pytest.raises(EmptyGallery):
        gallery.search(unit(rng, 1)[0], MODEL)
    gallery.add("x", [1], unit(rng, 1), MODEL)
    gallery.remove([1])
    with pytest.raises(EmptyGallery):
        gallery.search(unit(rng, 1)[0], MODEL)


def test_bad_index_specs_are_named_errors(rng):
    with pytest.raises(IndexUnusable):
        Gallery(MODEL, DIM, "NoSuchIndex42")
    with pytest.raises(IndexUnusable):
        Gallery(MODEL, DIM, "HNSW32 efSearch=fast")
    gallery = Gallery(MODEL, DIM, "IVF256,Flat")
    with pytest.raises(IndexUnusable, match="trained"):
        gallery.add("x", [1, 2], unit(rng, 2), MODEL)


def test_tuning_search_parameters_keeps_the_gallery_and_its_answers(people):
    gallery = build(people, "HNSW16 efSearch=16")
    vectors = people[2]
    gallery.tune(efSearch=200)
    assert gallery.spec.params["efSearch"] == 200 and len(gallery) == 600
    assert gallery.search(vectors[0], MODEL, k=1)[0].template_id == 0
    with pytest.raises(IndexUnusable):
        gallery.tune(efSearch=0)
    with pytest.raises(IndexUnusable):
        gallery.tune(efConstruction=10)


def test_a_normalised_search_scores_subjects_against_the_others_and_keeps_the_similarity(people, rng):
    gallery = build(people)
    probe = near(rng, people[3][17], 1)[0]
    norm = CohortNormalisation(cohort=5, weight=0.5)
    raw = gallery.search(probe, MODEL, k=6)
    found = gallery.search(probe, MODEL, k=3, normalisation=norm)
    assert [c.subject_id for c in found] == [c.subject_id for c in raw[:3]]
    assert [c.similarity for c in found] == [c.score for c in raw[:3]]
    assert [c.score for c in found] == pytest.approx(norm.normalise(np.array([c.score for c in raw]))[:3].tolist())
    # the threshold applies to the normalised score
    above = gallery.search(probe, MODEL, k=3, min_score=found[0].score, normalisation=norm)
    assert [c.subject_id for c in above] == ["s017"]


def test_a_normalised_search_on_a_gallery_smaller_than_its_cohort_is_refused(people):
    subjects, ids, vectors, _ = people
    gallery = Gallery(MODEL, DIM)
    gallery.add_many(subjects[:9], ids[:9], vectors[:9], MODEL)  # three subjects
    with pytest.raises(GalleryTooSmall, match="needs 6 subjects"):
        gallery.search(vectors[0], MODEL, normalisation=CohortNormalisation(cohort=5, weight=0.5))
