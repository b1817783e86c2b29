"""1:1 comparison of two templates and the checks every template goes through."""

import numpy as np
import pytest

from matcher.errors import InvalidTemplate, WrongDimension, WrongModel
from matcher.template import as_templates, compare
from tests.matcher.conftest import DIM, MODEL, unit


def test_compare_is_the_cosine_similarity(rng):
    a, b = unit(rng, 2)
    assert compare(a, MODEL, b, MODEL) == pytest.approx(float(a @ b), abs=1e-6)
    assert compare(2 * a, MODEL, a, MODEL) == pytest.approx(1.0, abs=1e-6)
    assert compare(a, MODEL, -a, MODEL) == pytest.approx(-1.0, abs=1e-6)


def test_compare_refuses_templates_of_different_models(rng):
    a, b = unit(rng, 2)
    with pytest.raises(WrongModel):
        compare(a, MODEL, b, "other")


def test_compare_refuses_mismatched_dimensions(rng):
    with pytest.raises(WrongDimension):
        compare(unit(rng, 1, DIM)[0], MODEL, unit(rng, 1, DIM + 3)[0], MODEL)


def test_checks_do_not_modify_the_callers_array(rng):
    x = 3 * unit(rng, 2)
    before = x.copy()
    out = as_templates(x, DIM)
    np.testing.assert_array_equal(x, before)
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, rtol=1e-6)


def test_non_numeric_templates_are_refused():
    with pytest.raises(InvalidTemplate):
        as_templates(np.array([["a"] * DIM]), DIM)
