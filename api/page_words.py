"""Names of roles and meanings of the codes the centre's pages show; the codes themselves stay as they are."""

from __future__ import annotations

from collections.abc import Callable

from checkpoint.i18n import _

# Functions, not strings: each is translated when a page is drawn, in that page's language (and `_("...")` is
# what `pybabel extract` finds).
ROLE_NAMES: dict[str, Callable[[], str]] = {
    "officer": lambda: _("officer"),
    "supervisor": lambda: _("supervisor"),
    "auditor": lambda: _("auditor"),
    "watchlist_admin": lambda: _("watchlist administrator"),
    "admin": lambda: _("administrator"),
    "kiosk": lambda: _("kiosk"),
}

# CLEAR and REFER are on the wire and on receipts: a person sees the code with its meaning beside it.
RECOMMENDATIONS: dict[str, Callable[[], str]] = {
    "CLEAR": lambda: _("No alert (CLEAR)"),
    "REFER": lambda: _("To check (REFER)"),
}

OUTCOMES: dict[str, Callable[[], str]] = {
    "CLEAR": lambda: _("Cleared"),
    "CLEAR_AFTER_CHECK": lambda: _("Cleared after a check"),
    "SECONDARY_INSPECTION": lambda: _("Sent to secondary inspection"),
    "REFUSE_ENTRY": lambda: _("Entry refused"),
}

VERDICTS: dict[str, Callable[[], str]] = {
    "UPHELD": lambda: _("Upheld"),
    "OVERTURNED": lambda: _("Overturned"),
    "ESCALATED": lambda: _("Escalated"),
}

CANDIDATE_KINDS: dict[str, Callable[[], str]] = {
    "face": lambda: _("face"),
    "name": lambda: _("name"),
    "document": lambda: _("document"),
}

CATEGORIES: dict[str, Callable[[], str]] = {
    "wanted_person": lambda: _("wanted person"),
    "missing_person": lambda: _("missing person"),
    "security_alert": lambda: _("security alert"),
    "lost_stolen_documents": lambda: _("documents reported lost or stolen"),
}


def _said(words: dict[str, Callable[[], str]], code: str) -> str | None:
    say = words.get(code)
    return say() if say else None


def role_name(role: str) -> str:
    """A role as a person reads it in the current language (an unknown role as stored)."""
    return _said(ROLE_NAMES, role) or role


def recommendation(code: str) -> str:
    """CLEAR/REFER with its meaning: "To check (REFER)"."""
    return _said(RECOMMENDATIONS, code) or code


def _with_code(words: dict[str, Callable[[], str]], code: str) -> str:
    meaning = _said(words, code)
    return f"{meaning} ({code})" if meaning else code


def outcome(code: str) -> str:
    """An officer's decision code with its meaning: "Cleared after a check (CLEAR_AFTER_CHECK)"."""
    return _with_code(OUTCOMES, code)


def verdict(code: str) -> str:
    """A supervisor's verdict code with its meaning: "Upheld (UPHELD)"."""
    return _with_code(VERDICTS, code)


def candidate_kind(kind: str) -> str:
    return _said(CANDIDATE_KINDS, kind) or kind


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
        "candidate_kind": candidate_kind,
        "category": category,
    }
    env.globals.update(words)
    env.filters.update(words)
