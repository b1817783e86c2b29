"""MRZ fields and check digits as a person reads them: "numéro du document" on a French kiosk, not `document_number`.

The identifiers stay what they are in a reading's JSON, the audit trail and the code; a sentence an officer reads
(why an MRZ was refused, which check digit fails) names the fields through `field_list`.
"""

from __future__ import annotations

from collections.abc import Iterable

from checkpoint.i18n import lazy_gettext

# Every field and check name of edge/document/mrz_formats.py an officer may read in a refusal.
FIELD_LABELS = {
    "document_code": lazy_gettext("document code"),
    "issuing_state": lazy_gettext("issuing state"),
    "name": lazy_gettext("name"),
    "document_number": lazy_gettext("document number"),
    "nationality": lazy_gettext("nationality"),
    "birth_date": lazy_gettext("birth date"),
    "sex": lazy_gettext("sex"),
    "expiry_date": lazy_gettext("expiry date"),
    "optional_data": lazy_gettext("optional data"),
    "optional_data_2": lazy_gettext("optional data of line 2"),
    "composite": lazy_gettext("composite check digit"),
}


def field_label(name: str) -> str:
    """`name` in the current language (an identifier no label names is shown as it is)."""
    return str(FIELD_LABELS.get(name, name))


def field_list(names: Iterable[str]) -> str:
    """The fields `names`, each once, in order, in the current language: "numéro du document, date de naissance"."""
    return ", ".join(field_label(name) for name in dict.fromkeys(names))
