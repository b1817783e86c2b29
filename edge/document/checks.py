"""Document checks a border officer acts on: validity dates, plausibility, check digits, known codes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from checkpoint.i18n import _
from edge.document.codes import lookup, valid_issuer, valid_nationality
from edge.document.field_names import field_label, field_list
from edge.document.mrz_parse import ParsedMrz

MAX_VALIDITY_YEARS = 15  # no ICAO document is issued for longer; a later expiry date is implausible


@dataclass(frozen=True)
class DocumentCheck:
    """One check: its name, whether it passed, and a sentence an officer can read."""

    name: str
    ok: bool
    detail: str


def document_checks(
    parsed: ParsedMrz,
    today: dt.date,
    max_validity_years: int = MAX_VALIDITY_YEARS,
    printed_invalid: bool = False,
) -> list[DocumentCheck]:
    """Every check on a parsed MRZ, passed or not, in a fixed order; `printed_invalid` when the failing check
    digits were read clearly: the document is printed so, a finding for the officer rather than a misreading."""
    f = parsed.fields
    failing = [c.name for c in parsed.checks if not c.ok]
    if not failing:
        digits = _("all check digits hold")
    elif printed_invalid:
        digits = _("check digit fails as printed: %(fields)s") % {"fields": field_list(failing)}
    else:
        digits = _("check digits fail: %(fields)s") % {"fields": field_list(failing)}
    out = [
        DocumentCheck("check_digits", not failing, digits),
        DocumentCheck(
            "field_characters",
            not parsed.problems,
            "; ".join(
                _("%(field)s: %(problem)s") % {"field": field_label(p.field), "problem": p.problem}
                for p in parsed.problems
            )
            or _("every field holds allowed characters"),
        ),
    ]
    if f.expiry_date is None:
        out.append(DocumentCheck("not_expired", False, _("no readable expiry date")))
    else:
        out.append(
            DocumentCheck(
                "not_expired",
                f.expiry_date >= today,
                _("expires %(date)s") % {"date": f.expiry_date.isoformat()}
                if f.expiry_date >= today
                else _("expired %(date)s") % {"date": f.expiry_date.isoformat()},
            )
        )
        limit = today.replace(year=today.year + max_validity_years)
        out.append(
            DocumentCheck(
                "expiry_plausible",
                f.expiry_date <= limit,
                _("within the longest validity")
                if f.expiry_date <= limit
                else _("expiry %(date)s is more than %(years)d years away")
                % {"date": f.expiry_date.isoformat(), "years": max_validity_years},
            )
        )
    if f.birth_date is None:
        out.append(DocumentCheck("birth_date_plausible", True, _("birth date unknown in the MRZ (fillers)")))
    else:
        # The century rule already puts every birth date in the past 100 years; what is left to catch is a
        # holder born after the document expires.
        late = f.expiry_date is not None and f.birth_date >= f.expiry_date
        detail = _("born after the document expires") if late else _("born before the document expires")
        out.append(DocumentCheck("birth_date_plausible", not late, detail))
    issuer = lookup(f.issuing_state)
    out.append(
        DocumentCheck(
            "issuing_state_known",
            valid_issuer(f.issuing_state),
            (
                f"{f.issuing_state}: {issuer.local_name()}"
                if issuer
                else _("unknown state code %(code)r: no ICAO 9303 issuer has it") % {"code": f.issuing_state}
            )
            + (" " + _("(specimen only)") if issuer and issuer.kind == "specimen" else ""),
        )
    )
    nat = lookup(f.nationality)
    out.append(
        DocumentCheck(
            "nationality_known",
            valid_nationality(f.nationality),
            f"{f.nationality}: {nat.local_name()}"
            if nat
            else _("unknown state code %(code)r: no ICAO 9303 nationality has it") % {"code": f.nationality},
        )
    )
    return out
