"""Pydantic's validation errors as sentences in the reader's language, for the centre's JSON and the kiosk's pages.

Pydantic words its errors in English; a French officer or administrator must read what was wrong with a field and
what to send instead. The common kinds of error get a sentence of our own from the catalog; a message our own
validators raise (api.schemas) is already translated; anything else keeps pydantic's words after the field's name.
A leaf module (only checkpoint.i18n), so the kiosk, the centre and watchlists (their administrators read their
refusals) may all use it.
"""

from __future__ import annotations

from typing import Any

from checkpoint.i18n import _

# Parts of pydantic's error location that say where the value came from, not which field it is.
_SOURCES = ("body", "query", "path", "header", "cookie")
SHOWN_ERRORS = 5  # a longer list is cut, with a count of the rest


def field_name(err: dict[str, Any]) -> str:
    """The dotted name of the field an error is about (e.g. `reasons.0`), or a phrase for the whole body."""
    parts = [str(p) for p in err.get("loc", ()) if p not in _SOURCES]
    return ".".join(parts) or _("the request body")


def _expected(ctx: dict[str, Any]) -> str:
    return str(ctx.get("expected", "")).replace("'", "")


def problem(err: dict[str, Any]) -> str:
    """What is wrong with the field's value, without the field's name."""
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return _("is required")
    if kind == "extra_forbidden":
        return _("is not a known field (remove it)")
    if kind == "string_too_long":
        return _("is longer than %(limit)s characters") % {"limit": ctx.get("max_length", "?")}
    if kind == "too_long":
        return _("has more than %(limit)s items") % {"limit": ctx.get("max_length", "?")}
    if kind == "string_too_short":
        return _("is shorter than %(limit)s characters") % {"limit": ctx.get("min_length", "?")}
    if kind == "too_short":
        return _("has fewer than %(limit)s items") % {"limit": ctx.get("min_length", "?")}
    if kind in ("enum", "literal_error"):
        return _("must be one of: %(choices)s") % {"choices": _expected(ctx)}
    if kind in ("greater_than_equal", "greater_than"):
        return _("must be at least %(limit)s") % {"limit": ctx.get("ge", ctx.get("gt"))}
    if kind in ("less_than_equal", "less_than"):
        return _("must be at most %(limit)s") % {"limit": ctx.get("le", ctx.get("lt"))}
    if kind == "string_pattern_mismatch":
        return _("does not have the expected form (%(pattern)s)") % {"pattern": ctx.get("pattern", "")}
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("must be a whole number")
    if kind in ("float_parsing", "float_type"):
        return _("must be a number")
    if kind in ("bool_parsing", "bool_type"):
        return _("must be true or false")
    if kind in ("string_type", "string_unicode"):
        return _("must be text")
    if kind.startswith("uuid"):
        return _("must be a UUID (e.g. 3f2b8c1e-0d4a-4e6b-9c7a-1b2c3d4e5f60)")
    if kind.startswith("datetime") or kind.startswith("timezone"):
        return _("must be a date and time with its UTC offset (e.g. 2026-05-01T10:00:00Z)")
    if kind.startswith("date"):
        return _("must be a date (YYYY-MM-DD)")
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return _("must be a JSON object")
    if kind in ("list_type", "tuple_type", "set_type"):
        return _("must be a list")
    # Our own validators' messages (ValueError in api.schemas) arrive translated, after pydantic's prefix.
    return str(err.get("msg", _("is not valid"))).removeprefix("Value error, ")


def sentence(err: dict[str, Any]) -> str:
    """One error as a sentence naming its field, e.g. `reason_code is required`, `reasons.0: must be one of: ...`."""
    if err.get("type") in ("missing", "extra_forbidden"):
        return _("%(field)s %(problem)s") % {"field": field_name(err), "problem": problem(err)}
    return _("%(field)s: %(problem)s") % {"field": field_name(err), "problem": problem(err)}


def describe_validation(errors: list[dict[str, Any]]) -> tuple[int, str, str]:
    """Status, code and message for a request pydantic refused; the first error decides the code."""
    first = errors[0] if errors else {"type": "value_error", "loc": (), "msg": _("is not valid")}
    if first["type"] == "json_invalid":
        return (
            400,
            "malformed_json",
            _("the request body is not valid JSON; send a JSON object (check quotes and commas)"),
        )
    code = {"extra_forbidden": "unknown_field", "missing": "missing_field"}.get(first["type"], "invalid_value")
    listed = "; ".join(sentence(err) for err in errors[:SHOWN_ERRORS])
    if len(errors) > SHOWN_ERRORS:
        listed += " " + _("(and %(count)s more)") % {"count": len(errors) - SHOWN_ERRORS}
    return 422, code, _("%(errors)s. Fix these fields and send the request again") % {"errors": listed}
