"""ICAO 9303 issuing state and nationality codes, read from the CSV kept beside this file (source named in it)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel import Locale

from checkpoint.i18n import _, current

CODES_FILE = Path(__file__).resolve().parent / "data" / "icao_codes.csv"
HOLDER_ONLY_KINDS = frozenset({"nationality_only"})


@dataclass(frozen=True)
class StateCode:
    """One row of the code list: 'DEU', 'Germany', 'iso3166', 'DE' (or 'icao', 'nationality_only', 'specimen')."""

    code: str
    name: str
    kind: str
    alpha_2: str = ""

    def local_name(self) -> str:
        """The name in the reader's language: CLDR's for an ISO 3166 state, the catalog's for ICAO's own codes."""
        if self.alpha_2:
            return Locale.parse(current()).territories.get(self.alpha_2, self.name)
        return _(self.name)


@lru_cache(maxsize=1)
def code_table() -> dict[str, StateCode]:
    """Every known code, keyed by the code as it reads without fillers ('D', 'UTO')."""
    rows = (line for line in CODES_FILE.read_text(encoding="utf-8").splitlines() if not line.startswith("#"))
    return {r["code"]: StateCode(r["code"], r["name"], r["kind"], r["alpha_2"]) for r in csv.DictReader(rows)}


def lookup(mrz_code: str) -> StateCode | None:
    """The code list entry for a 3-character MRZ field ('D<<' -> Germany), None when unknown."""
    return code_table().get(mrz_code.replace("<", ""))


def valid_issuer(mrz_code: str) -> bool:
    """True when the code may issue a document (stateless/refugee codes describe holders, not issuers)."""
    entry = lookup(mrz_code)
    return entry is not None and entry.kind not in HOLDER_ONLY_KINDS


def valid_nationality(mrz_code: str) -> bool:
    """True when the code is a known nationality, including XXA/XXB/XXC/XXX."""
    return lookup(mrz_code) is not None


def extract_names(fileobj, keywords, comment_tags, options) -> Iterator[tuple[int, str, str, list[str]]]:  # type: ignore[no-untyped-def]
    """Babel extractor (babel.cfg): the names of ICAO's own codes go to the catalog; ISO
    3166 states need none, CLDR names them in every language."""
    text = fileobj.read().decode("utf-8")
    for lineno, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if row and not row[0].startswith("#") and row[0] != "code" and row[2] != "iso3166":
            yield lineno, "", row[1], []
