"""Names of roles and meanings of the codes the centre's pages show; the codes themselves stay as they are."""

from __future__ import annotations

from collections.abc import Mapping

from api.schemas import CANDIDATE_KIND_MEANINGS, OUTCOME_MEANINGS
from checkpoint.i18n import lazy_gettext

# Lazy strings: each is translated when a page is drawn, in that page's language.
ROLE_NAMES = {
    "officer": lazy_gettext("officer"),
    "supervisor": lazy_gettext("supervisor"),
    "auditor": lazy_gettext("auditor"),
    "watchlist_admin": lazy_gettext("watchlist administrator"),
    "admin": lazy_gettext("administrator"),
    "kiosk": lazy_gettext("kiosk"),
}

# CLEAR and REFER are on the wire and on receipts: a person sees the code with its meaning beside it.
RECOMMENDATIONS = {
    "CLEAR": lazy_gettext("No alert (CLEAR)"),
    "REFER": lazy_gettext("To check (REFER)"),
}

VERDICTS = {
    "UPHELD": lazy_gettext("Upheld"),
    "OVERTURNED": lazy_gettext("Overturned"),
    "ESCALATED": lazy_gettext("Escalated"),
}

COMPLAINT_DECISIONS = {
    "UPHELD": lazy_gettext("Complaint upheld"),
    "NOT_UPHELD": lazy_gettext("Complaint not upheld"),
    "WATCHLIST_REVIEW": lazy_gettext("Upheld: the watchlist entry goes to its owning authority for review"),
}

CATEGORIES = {
    "wanted_person": lazy_gettext("wanted person"),
    "missing_person": lazy_gettext("missing person"),
    "security_alert": lazy_gettext("security alert"),
    "lost_stolen_documents": lazy_gettext("documents reported lost or stolen"),
}


def _said(words: Mapping, code: str) -> str | None:
    meaning = words.get(code)
    return str(meaning) if meaning is not None else None


def role_name(role: str) -> str:
    """A role as a person reads it in the current language (an unknown role as stored)."""
    return _said(ROLE_NAMES, role) or role


def recommendation(code: str) -> str:
    """CLEAR/REFER with its meaning: "To check (REFER)"."""
    return _said(RECOMMENDATIONS, code) or code


def _with_code(words: Mapping, code: str) -> str:
    meaning = _said(words, code)
    return f"{meaning} ({code})" if meaning else code


def outcome(code: str) -> str:
    """An officer's decision code with its meaning: "Cleared after a check (CLEAR_AFTER_CHECK)"."""
    return _with_code(OUTCOME_MEANINGS, code)


def verdict(code: str) -> str:
    """A supervisor's verdict code with its meaning: "Upheld (UPHELD)"."""
    return _with_code(VERDICTS, code)


def complaint_decision(code: str) -> str:
    """A complaint decision code with its meaning: "Complaint upheld (UPHELD)"."""
    return _with_code(COMPLAINT_DECISIONS, code)


def candidate_kind(kind: str) -> str:
    return _said(CANDIDATE_KIND_MEANINGS, kind) or kind


def category(code: str) -> str:
    """A watchlist's category as a person reads it."""
    return _said(CATEGORIES, code) or code


def install(env) -> None:  # type: ignore[no-untyped-def]
    """Give the pages' Jinja2 environment these as globals and filters."""
    words = {
        "role_name": role_name,
        "recommendation": recommendation,
        "outcome": outcome,
        "verdict": verdict,
        "complaint_decision": complaint_decision,
        "candidate_kind": candidate_kind,
        "category": category,
    }
    env.globals.update(words)
    env.filters.update(words)
