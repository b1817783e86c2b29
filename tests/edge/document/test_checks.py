"""Document checks an officer acts on: expired, implausible dates, check digits, unknown codes."""

from __future__ import annotations

import datetime as dt

from checkpoint.i18n import language
from edge.document.checks import document_checks
from edge.document.mrz_build import MrzIdentity, build_mrz
from edge.document.mrz_parse import parse_mrz

TODAY = dt.date(2026, 11, 22)


def checks_for(**changes) -> dict:
    base = dict(
        format="TD3",
        document_code="P",
        issuing_state="NER",
        surname="DOE",
        given_names="JO",
        document_number="AB1234567",
        nationality="NER",
        birth_date=dt.date(1980, 5, 1),
        sex="F",
        expiry_date=dt.date(2030, 1, 1),
    )
    lines = build_mrz(MrzIdentity(**(base | changes)))
    return {c.name: c for c in document_checks(parse_mrz(lines, TODAY), TODAY)}


def test_a_good_document_passes_every_check():
    checks = checks_for()
    assert all(c.ok for c in checks.values()), [c for c in checks.values() if not c.ok]
    assert checks["nationality_known"].detail == "NER: Niger"


def test_an_expired_document_is_flagged_with_its_date():
    check = checks_for(expiry_date=dt.date(2026, 11, 21))["not_expired"]
    assert not check.ok and "2026-11-21" in check.detail
    assert checks_for(expiry_date=TODAY)["not_expired"].ok  # valid through its expiry day


def test_an_expiry_too_far_ahead_is_implausible():
    assert not checks_for(expiry_date=dt.date(2045, 1, 1))["expiry_plausible"].ok


def test_a_holder_born_after_the_document_expires_is_implausible():
    check = checks_for(birth_date=dt.date(2026, 1, 1), expiry_date=dt.date(2025, 1, 1))["birth_date_plausible"]
    assert not check.ok and "after the document expires" in check.detail


def test_specimen_and_stateless_codes_are_explained():
    checks = checks_for(issuing_state="UTO", nationality="XXA")
    assert checks["issuing_state_known"].ok and "specimen" in checks["issuing_state_known"].detail
    assert checks["nationality_known"].ok and "Stateless" in checks["nationality_known"].detail


def test_an_issuer_code_that_only_describes_holders_fails():
    checks = checks_for(issuing_state="XXB")
    assert not checks["issuing_state_known"].ok


def test_a_failed_check_digit_is_listed():
    lines = build_mrz(
        MrzIdentity("TD3", "P", "NER", "DOE", "JO", "AB1234567", "NER", dt.date(1980, 5, 1), "F", dt.date(2030, 1, 1))
    )
    bad = (lines[0], lines[1][:9] + str((int(lines[1][9]) + 1) % 10) + lines[1][10:])
    checks = {c.name: c for c in document_checks(parse_mrz(bad, TODAY), TODAY)}
    assert not checks["check_digits"].ok and "document number" in checks["check_digits"].detail


def test_a_check_digit_failing_as_printed_and_an_unknown_state_code_read_in_the_officer_s_language():
    lines = build_mrz(
        MrzIdentity("TD3", "P", "ASU", "DOE", "JO", "AB1234567", "COU", dt.date(1980, 5, 1), "F", dt.date(2030, 1, 1))
    )
    bad = (lines[0], lines[1][:9] + str((int(lines[1][9]) + 1) % 10) + lines[1][10:])
    for lang, printed, number, unknown in (
        ("en", "fails as printed", "document number", "unknown state code"),
        ("fr", "tel qu'imprimé", "numéro du document", "inconnu"),
    ):
        with language(lang):
            checks = {c.name: c for c in document_checks(parse_mrz(bad, TODAY), TODAY, printed_invalid=True)}
        assert printed in checks["check_digits"].detail and number in checks["check_digits"].detail
        assert unknown in checks["issuing_state_known"].detail and "'ASU'" in checks["issuing_state_known"].detail
        assert unknown in checks["nationality_known"].detail
