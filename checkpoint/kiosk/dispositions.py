"""Reason codes an officer gives with a disposition (required for anything but CLEAR)."""

from __future__ import annotations

OFFICER_REASONS = {
    "WATCHLIST_CONFIRMED": "Watchlist candidate confirmed as the traveller",
    "WATCHLIST_FALSE_MATCH": "Watchlist candidate is not the traveller (false match)",
    "DOCUMENT_CONFIRMED_LISTED": "Document confirmed lost/stolen",
    "DOCUMENT_CHECKED_OK": "Document checked by hand and found in order",
    "IDENTITY_CHECKED_OK": "Identity checked by hand (face vs document) and found in order",
    "IDENTITY_DOUBT": "Doubt about the traveller's identity",
    "RECAPTURE_NEEDED": "Capture failed; traveller sent to a manned desk",
    "OTHER": "Other (explain in the note)",
}
