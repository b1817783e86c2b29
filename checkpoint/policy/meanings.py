"""What each reason code means to an officer, in English: the catalog's source for the shipped policy's [reasons].

checkpoint/policy/default_policy.toml says the same, word for word (a test keeps them equal), because a site edits
its own policy file; `Policy.meaning()` translates a meaning that is in the catalog and leaves a site's own words
as written. The codes never change: they are on the wire, in the audit trail and on receipts.
"""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 — gettext's name for "extract this, translate it when read"
    """Mark `message` for the catalog without translating it now."""
    return message


DEFAULT_MEANINGS: dict[str, str] = {
    "DOCUMENT_UNREADABLE": N_("The MRZ could not be read or did not pass its check digits: check the document by hand"),
    "DOCUMENT_CHECK_FAILED": N_("A document check failed (expired, implausible date, unknown code): see the checks"),
    "DOCUMENT_LISTED": N_("The document is on a lost/stolen documents list"),
    "DOCUMENT_NUMBER_FLAG": N_("The document number looks misread or altered: compare it with the data page"),
    "NO_USABLE_FACE": N_("No camera frame held a face good enough to screen: capture again or check by hand"),
    "NO_PORTRAIT": N_("No face was found in the document portrait: the 1:1 check could not be done"),
    "FACE_MISMATCH": N_("The live face does not match the document portrait at the policy's FMR"),
    "WATCHLIST_FACE_HIT": N_("The live face matches a face on a watchlist: compare the candidate's photo"),
    "WATCHLIST_NAME_HIT": N_("The name (and date of birth) match a name on a watchlist"),
    "NO_SNAPSHOT": N_("No verified watchlist snapshot is loaded: watchlist and lost/stolen checks could not be done"),
    "NO_FACE_WATCHLIST": N_(
        "The loaded snapshot has no face entries in force: the face watchlist check could not be done"
    ),
    "FACE_MODEL_MISMATCH": N_(
        "The snapshot's face templates come from another face model: the face watchlist check could not be done"
    ),
    "NO_DOCUMENT_LIST": N_(
        "The loaded snapshot has no lost/stolen documents in force: the document list check could not be done"
    ),
    "NO_NAME_WATCHLIST": N_(
        "The loaded snapshot has no name entries in force: the name watchlist check could not be done"
    ),
    "PRESENTATION_ATTACK_SUSPECTED": N_(
        "The live face may be a photo, a screen or a mask held to the camera: look at the traveller and capture again"
    ),
    "PAD_UNAVAILABLE": N_(
        "The presentation-attack check could not run on this kiosk: make sure a live person faces the camera"
    ),
}
