"""Field-aware OCR repair: look-alikes fixed by field type and filler runs by length, accepted only when every
check digit holds; a failing or ambiguous MRZ is returned invalid, never turned into another valid MRZ."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from edge.document.mrz_build import MrzIdentity, build_mrz
from edge.document.mrz_formats import FORMATS, CharClass
from edge.document.mrz_repair import TO_DIGIT, TO_LETTER, repair_mrz

TODAY = dt.date(2026, 11, 22)
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def random_identity(rng: random.Random, layout: str) -> MrzIdentity:
    code = "V" if layout.startswith("MRV") else "P" if layout == "TD3" else "I"
    born = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(30000))
    expires = TODAY + dt.timedelta(days=rng.randrange(-300, 3650))
    number = "".join(rng.choice(LETTERS) for _ in range(2)) + "".join(rng.choice("0123456789") for _ in range(7))
    # O/0 in document numbers is exercised by its own tests; here it would only add legitimate refusals.
    number = number.replace("O", "Q").replace("0", "9")
    return MrzIdentity(
        layout,
        code,
        rng.choice(["UTO", "NER", "FRA", "D"]),
        "".join(rng.choice(LETTERS) for _ in range(rng.randrange(2, 12))),
        "".join(rng.choice(LETTERS) for _ in range(rng.randrange(2, 9))),
        number,
        rng.choice(["UTO", "MLI", "XXA", "GBR"]),
        born,
        rng.choice("MFX"),
        expires,
    )


def positions_of(layout_name: str, chars: CharClass, lines: tuple[str, ...], table: dict[str, str]):
    layout = FORMATS[layout_name]
    return [
        (spec.name, spec.span.line, pos)
        for spec in layout.fields
        if spec.chars is chars
        for pos in range(spec.span.start, spec.span.end)
        if lines[spec.span.line][pos] in table
    ]


def replace(lines: tuple[str, ...], line: int, pos: int, char: str) -> tuple[str, ...]:
    out = list(lines)
    out[line] = out[line][:pos] + char + out[line][pos + 1 :]
    return tuple(out)


@pytest.mark.parametrize("layout", list(FORMATS))
def test_look_alikes_in_numeric_and_alphabetic_fields_are_repaired_and_reported(layout):
    rng = random.Random(layout)
    for _ in range(40):
        truth = build_mrz(random_identity(rng, layout))
        digit_spots = positions_of(layout, CharClass.NUMERIC, truth, TO_LETTER)
        letter_spots = positions_of(layout, CharClass.ALPHA, truth, TO_DIGIT)
        chosen = rng.sample(digit_spots, min(3, len(digit_spots))) + rng.sample(letter_spots, min(2, len(letter_spots)))
        read = truth
        for _, line, pos in chosen:
            ch = truth[line][pos]
            read = replace(read, line, pos, TO_LETTER.get(ch) or TO_DIGIT[ch])
        outcome = repair_mrz(read, TODAY)
        assert outcome.accepted, outcome.reason
        assert outcome.parsed.lines == truth
        reported = {(r.field, r.line, r.position) for r in outcome.repairs}
        assert reported == set(chosen)


@pytest.mark.parametrize("layout", ["TD1", "TD2", "TD3"])
def test_a_wrong_digit_is_never_corrected_into_another_valid_mrz(layout):
    rng = random.Random(7)
    layout_spec = FORMATS[layout]
    numeric = [s for s in layout_spec.fields if s.chars is CharClass.NUMERIC]
    for _ in range(150):
        truth = build_mrz(random_identity(rng, layout))
        spec = rng.choice(numeric)
        pos = rng.randrange(spec.span.start, spec.span.end)
        old = truth[spec.span.line][pos]
        if old == "<":
            continue
        new = rng.choice([d for d in "0123456789" if d != old])
        outcome = repair_mrz(replace(truth, spec.span.line, pos, new), TODAY)
        assert not outcome.accepted
        assert not outcome.parsed.valid
        assert outcome.parsed.failing, "an invalid MRZ names the fields that fail"


def test_failing_fields_are_named_and_no_repair_hides_them():
    truth = build_mrz(random_identity(random.Random(3), "TD3"))
    read = replace(truth, 1, 15, "7" if truth[1][15] != "7" else "3")  # inside the birth date
    outcome = repair_mrz(read, TODAY)
    assert not outcome.accepted
    assert "birth_date" in outcome.parsed.failing and "composite" in outcome.parsed.failing
    assert outcome.reason.startswith("check digits fail")


@pytest.mark.parametrize("delta", [-2, -1, 1, 2])
def test_a_miscounted_filler_run_is_resized_when_the_check_digits_confirm_it(delta):
    identity = random_identity(random.Random(11), "TD3")
    identity = MrzIdentity(**{**identity.__dict__, "optional_data": "ZE184226B"})
    truth = build_mrz(identity)
    run_end = truth[1].index("<", 28) + 5
    line2 = (
        truth[1][:run_end] + truth[1][run_end - delta :]
        if delta < 0
        else truth[1][:run_end] + truth[1][run_end + delta :]
    )
    if delta > 0:
        line2 = truth[1][:run_end] + "<" * delta + truth[1][run_end:]
    else:
        line2 = truth[1][: run_end + delta] + truth[1][run_end:]
    outcome = repair_mrz((truth[0], line2), TODAY)
    assert outcome.accepted, outcome.reason
    assert outcome.parsed.lines == truth
    assert any("filler run" in r.reason for r in outcome.repairs)


def test_a_short_name_line_is_padded_at_its_end_only():
    truth = build_mrz(random_identity(random.Random(5), "TD3"))
    outcome = repair_mrz((truth[0][:-2], truth[1]), TODAY)
    assert outcome.accepted and outcome.parsed.lines == truth


def test_two_readings_passing_every_check_are_refused_as_ambiguous():
    # Positions 1 and 4 both carry weight 3: with '0' read at both, turning either into 'O' fixes the check
    # digit and the composite alike, so the check digits cannot tell which of two documents this is.
    identity = MrzIdentity(
        "TD3", "P", "UTO", "DOE", "JO", "AOBC0D123", "UTO", dt.date(1980, 1, 2), "M", dt.date(2030, 1, 1)
    )
    truth = build_mrz(identity)
    outcome = repair_mrz(replace(truth, 1, 1, "0"), TODAY)
    assert not outcome.accepted
    assert not outcome.parsed.valid
    assert outcome.candidates_valid == 2
    assert "ambiguous" in outcome.reason


def test_o_and_zero_in_a_document_number_are_settled_by_the_check_digits():
    identity = MrzIdentity(
        "TD3", "P", "UTO", "DOE", "JO", "AO1234567", "UTO", dt.date(1980, 1, 2), "M", dt.date(2030, 1, 1)
    )
    truth = build_mrz(identity)
    outcome = repair_mrz(replace(truth, 1, 1, "0"), TODAY)
    assert outcome.accepted and outcome.parsed.fields.document_number == "AO1234567"
    assert [(r.field, r.read, r.now) for r in outcome.repairs] == [("document_number", "0", "O")]
    assert outcome.repairs[0].reason == "O/0 in an alphanumeric field"


def test_o_and_zero_that_the_check_digits_cannot_tell_apart_are_refused_even_when_read_right():
    # Weights 7 and 3: 'OO' and '00' change the check digit by 24 * (7 + 3) = 240, nothing mod 10. OCR-B's O
    # and 0 are near twins, so a reading either way cannot be trusted (a real wrong-but-valid read otherwise).
    identity = MrzIdentity(
        "TD2", "I", "UTO", "DOE", "JO", "OO4332198", "XXA", dt.date(1958, 11, 6), "M", dt.date(2027, 5, 12)
    )
    outcome = repair_mrz(build_mrz(identity), TODAY)
    assert not outcome.accepted and outcome.candidates_valid == 2


def test_filler_look_alikes_and_lower_case_are_normalised():
    truth = build_mrz(random_identity(random.Random(9), "TD1"))
    read = (truth[0].replace("<", "«").lower(), truth[1], truth[2])
    outcome = repair_mrz(read, TODAY)
    assert outcome.accepted and outcome.parsed.lines == truth


def test_text_of_no_mrz_shape_is_refused_with_a_reason():
    outcome = repair_mrz(["HELLO", "WORLD"], TODAY)
    assert not outcome.accepted and outcome.parsed is None
    assert "no ICAO 9303 layout" in outcome.reason


def test_the_ocr_alternatives_settle_what_the_check_digits_alone_cannot():
    # A real misread from the reader: 'I' of the document number read as '1'. Several single look-alike swaps
    # repair both the check digit and the composite, so text alone is ambiguous; the OCR only found 'I'
    # plausible at that one position, and with that evidence the repair is unique.
    truth = ("P<D<<DIMAMAAN<BE<<BEBE<<<<<<<<<<<<<<<<<<<<<<", "AI58253029UTO4905158M3509065<<<<<<<<<<<<<<<8")
    read = (truth[0], "A158253029UTO4905158M3509065<<<<<<<<<<<<<<<8")
    assert not repair_mrz(read, TODAY).accepted
    seen = [[frozenset()] * len(line) for line in read]
    seen[1][1] = frozenset("I")
    outcome = repair_mrz(read, TODAY, seen)
    assert outcome.accepted and outcome.parsed.lines == truth
    assert [(r.field, r.read, r.now) for r in outcome.repairs] == [("document_number", "1", "I")]


def confident(lines: tuple[str, ...], doubts: dict[tuple[int, int], dict[str, float]] | None = None) -> list:
    """OCR probabilities for `lines`: every character read at 0.99 with its look-alike at 0.0005, but `doubts`."""
    twins = {**TO_DIGIT, **TO_LETTER}
    probs = [[{ch: 0.99, **({twins[ch]: 0.0005} if ch in twins else {})} for ch in line] for line in lines]
    for (i, j), p in (doubts or {}).items():
        probs[i][j] = p
    return probs


OO_NUMBER = MrzIdentity(
    "TD2", "I", "UTO", "DOE", "JO", "OO4332198", "XXA", dt.date(1958, 11, 6), "M", dt.date(2027, 5, 12)
)


def test_zeros_the_ocr_clearly_saw_are_read_as_zeros_even_where_o_would_pass_the_check_digits():
    # 'J020294237': '0' at weights 3 and 7, so 'JO2O29423' passes every check digit too; the OCR gave 'O' a
    # 1-in-2000 chance at each, and a clean passport must not be refused for that.
    identity = MrzIdentity(
        "TD3", "P", "UTO", "MABEKO", "TIKO", "J02029423", "XXA", dt.date(1944, 6, 29), "F", dt.date(2027, 6, 7)
    )
    truth = build_mrz(identity)
    outcome = repair_mrz(truth, TODAY, probabilities=confident(truth))
    assert outcome.accepted and outcome.parsed.fields.document_number == "J02029423"
    assert outcome.repairs == ()


def test_os_the_ocr_half_saw_as_zeros_are_refused_when_the_check_digits_cannot_tell():
    read = build_mrz(OO_NUMBER)[0], build_mrz(OO_NUMBER)[1].replace("OO", "00", 1)
    doubts = {(1, 0): {"0": 0.6, "O": 0.4}, (1, 1): {"0": 0.55, "O": 0.45}}
    outcome = repair_mrz(read, TODAY, probabilities=confident(read, doubts))
    assert not outcome.accepted and outcome.candidates_valid == 2
    assert "ambiguous" in outcome.reason


def test_an_o_read_as_zero_is_repaired_when_only_that_change_passes_the_check_digit():
    identity = MrzIdentity(
        "TD2", "I", "UTO", "DOE", "JO", "O41627970", "EUE", dt.date(1978, 10, 19), "M", dt.date(2029, 9, 29)
    )
    truth = build_mrz(identity)
    read = (truth[0], "0" + truth[1][1:])
    outcome = repair_mrz(read, TODAY, probabilities=confident(read, {(1, 0): {"0": 0.98, "O": 0.013}}))
    assert outcome.accepted and outcome.parsed.lines == truth
    assert [(r.field, r.read, r.now) for r in outcome.repairs] == [("document_number", "0", "O")]


def test_a_line_too_long_by_letters_is_refused_with_a_reason_not_a_crash():
    truth = build_mrz(OO_NUMBER)
    outcome = repair_mrz((truth[0][:-1] + "KK", truth[1]), TODAY)
    assert not outcome.accepted and "too long" in outcome.reason
