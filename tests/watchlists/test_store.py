"""The watchlist service layer: lifecycle rules, change log, and the errors an administrator sees."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from tests.watchlists.conftest import TODAY, subject_data
from watchlists.errors import DuplicateWatchlist, ForbiddenTransition, InvalidEntry, UnknownWatchlist
from watchlists.models import Category, ChangeAction, DocumentCreate, EntryStatus, WatchlistCreate
from watchlists.store import (
    add_document,
    add_subject,
    add_template,
    changes_of,
    create_watchlist,
    get_watchlist,
    list_documents,
    list_subjects,
    set_subject_status,
    set_watchlist_status,
    templates_of,
    update_subject,
    upsert_subject,
)


def test_subject_is_stored_normalised_with_who_and_when(session, listed_subject):
    assert listed_subject.nationality == "MLI"
    assert listed_subject.sex == "M"
    assert listed_subject.status == EntryStatus.active
    assert listed_subject.created_by == "admin.kone"
    log = changes_of(session, "subject", listed_subject.id)
    assert [(c.action, c.actor, c.reason) for c in log] == [(ChangeAction.create, "admin.kone", "warrant received")]
    assert "name_latin" in log[0].fields


def test_every_change_is_logged_with_actor_and_reason(session, listed_subject):
    update_subject(session, listed_subject.id, {"aliases": ["Hamma", "Le Grand"]}, "admin.b", "alias reported")
    set_subject_status(session, listed_subject.id, ChangeAction.suspend, "admin.c", "under judicial review")
    set_subject_status(session, listed_subject.id, ChangeAction.reactivate, "admin.c", "review confirmed warrant")
    set_subject_status(session, listed_subject.id, ChangeAction.remove, "admin.d", "warrant withdrawn")
    session.commit()
    log = changes_of(session, "subject", listed_subject.id)
    assert [c.action for c in log] == [
        ChangeAction.create,
        ChangeAction.update,
        ChangeAction.suspend,
        ChangeAction.reactivate,
        ChangeAction.remove,
    ]
    assert log[1].fields == ["aliases"]
    assert (log[4].actor, log[4].reason, log[4].from_status, log[4].to_status) == (
        "admin.d",
        "warrant withdrawn",
        EntryStatus.active,
        EntryStatus.removed,
    )
    assert listed_subject.status_reason == "warrant withdrawn"


def test_only_active_unexpired_entries_on_active_lists_are_matchable(session, wanted, listed_subject):
    soon = add_subject(
        session, wanted, subject_data("ML-002", review_by=TODAY + dt.timedelta(days=3)), "admin", "x", today=TODAY
    )
    paused = add_subject(session, wanted, subject_data("ML-003"), "admin", "x", today=TODAY)
    set_subject_status(session, paused.id, ChangeAction.suspend, "admin", "checking identity")
    session.commit()
    assert {s.external_ref for s in list_subjects(session, matchable_on=TODAY)} == {"ML-001", "ML-002"}
    # Four days later ML-002's review date has passed: it is no longer matched.
    later = TODAY + dt.timedelta(days=4)
    assert {s.external_ref for s in list_subjects(session, matchable_on=later)} == {"ML-001"}
    set_watchlist_status(session, "wanted-ml", ChangeAction.suspend, "admin", "list under legal challenge")
    assert list_subjects(session, matchable_on=TODAY) == []
    assert soon.status == EntryStatus.active  # the entries themselves are untouched


def test_removal_erases_face_templates_and_cannot_be_undone_by_import(session, wanted, listed_subject):
    vector = np.random.default_rng(1).normal(size=128).astype(np.float32)
    add_template(session, listed_subject, "model-x", vector, 80.0, "ab" * 32, "admin", "enrolled")
    assert len(templates_of(session, listed_subject.id)) == 1
    set_subject_status(session, listed_subject.id, ChangeAction.remove, "admin", "warrant withdrawn")
    session.commit()
    assert templates_of(session, listed_subject.id) == []
    with pytest.raises(ForbiddenTransition, match="removed"):
        upsert_subject(session, wanted, subject_data(), "admin", "re-import", today=TODAY)
    with pytest.raises(ForbiddenTransition):
        set_subject_status(session, listed_subject.id, ChangeAction.reactivate, "admin", "oops")


def test_upsert_updates_in_place_and_reports_unchanged(session, wanted, listed_subject):
    same, outcome = upsert_subject(session, wanted, subject_data(), "admin", "re-import", today=TODAY)
    assert (same.id, outcome) == (listed_subject.id, "unchanged")
    changed, outcome = upsert_subject(
        session, wanted, subject_data(reason="Warrant extended: armed robbery, kidnapping"), "admin", "re-import", TODAY
    )
    assert (changed.id, outcome) == (listed_subject.id, "updated")
    assert len(list_subjects(session, wanted)) == 1


def test_same_image_is_enrolled_once(session, listed_subject):
    vector = np.ones(128, np.float32)
    first, created = add_template(session, listed_subject, "model-x", vector, 80.0, "cd" * 32, "admin", "enrol")
    again, created_again = add_template(session, listed_subject, "model-x", vector, 80.0, "cd" * 32, "admin", "enrol")
    assert created and not created_again and first.id == again.id
    stored = np.frombuffer(first.vector, np.float32)
    assert abs(float(np.linalg.norm(stored)) - 1.0) < 1e-5


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"birth_date": "1978-13"}, "month 13"),
        ({"birth_date": "78"}, "not YYYY"),
        ({"sex": "Q"}, "not F, M or X"),
        ({"nationality": "M4"}, "not an ICAO 9303 code"),
        ({"review_by": TODAY - dt.timedelta(days=1)}, "review date .* has passed"),
    ],
)
def test_bad_subject_fields_are_refused_with_the_reason(session, wanted, changes, message):
    with pytest.raises(InvalidEntry, match=message):
        add_subject(session, wanted, subject_data(**changes), "admin", "x", today=TODAY)


def test_changes_need_an_actor_and_a_reason(session, wanted):
    with pytest.raises(ValueError, match="reason"):
        subject_data(reason="")  # the officer-facing reason is required by the model itself
    with pytest.raises(InvalidEntry, match="reason"):
        add_subject(session, wanted, subject_data(), "admin", "  ", today=TODAY)
    with pytest.raises(InvalidEntry, match="actor"):
        add_subject(session, wanted, subject_data(), "", "because", today=TODAY)


def test_watchlist_names_are_unique_and_lookups_say_what_exists(session, wanted):
    with pytest.raises(DuplicateWatchlist):
        create_watchlist(
            session,
            WatchlistCreate(name="wanted-ml", category=Category.missing_person, owning_authority="x", legal_basis="y"),
            "admin",
            "x",
        )
    with pytest.raises(UnknownWatchlist, match="known: wanted-ml"):
        get_watchlist(session, "wanted-nr")


def test_document_with_wrong_check_digit_is_refused(session, wanted):
    good = DocumentCreate(
        issuing_state="mli", number="AB 123-4567", check_digit=None, reported_on=TODAY, review_by=TODAY
    )
    document = add_document(session, wanted, good, "admin", "reported stolen", today=TODAY)
    assert document.number_normalised == "AB1234567"
    assert len(list_documents(session, matchable_on=TODAY)) == 1
    assert list_documents(session, matchable_on=TODAY + dt.timedelta(days=1)) == []
    bad = DocumentCreate(issuing_state="NER", number="AB1234567", check_digit="0", reported_on=TODAY, review_by=TODAY)
    with pytest.raises(InvalidEntry, match="check digit '0' does not fit"):
        add_document(session, wanted, bad, "admin", "reported stolen", today=TODAY)
