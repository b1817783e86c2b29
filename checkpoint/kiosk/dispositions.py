"""Reason codes an officer gives with a disposition (required for anything but CLEAR)."""

from __future__ import annotations

from checkpoint.i18n import lazy_gettext

# The codes go to the centre as they are; their labels are read in the officer's language.
OFFICER_REASONS = {
    "WATCHLIST_CONFIRMED": lazy_gettext("Watchlist candidate confirmed as the traveller"),
    "WATCHLIST_FALSE_MATCH": lazy_gettext("Watchlist candidate is not the traveller (false match)"),
    "DOCUMENT_CONFIRMED_LISTED": lazy_gettext("Document confirmed lost/stolen"),
    "DOCUMENT_CHECKED_OK": lazy_gettext("Document checked by hand and found in order"),
    "IDENTITY_CHECKED_OK": lazy_gettext("Identity checked by hand (face vs document) and found in order"),
    "IDENTITY_DOUBT": lazy_gettext("Doubt about the traveller's identity"),
    "RECAPTURE_NEEDED": lazy_gettext("Capture failed; traveller sent to a manned desk"),
    "OTHER": lazy_gettext("Other (explain in the note)"),
}
