"""Lost/stolen document import: idempotent, and rows with a wrong check digit are refused with the reason."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from tests.watchlists.conftest import TODAY
from watchlists.document_import import import_documents
from watchlists.errors import ManifestError
from watchlists.store import list_documents

CSV = (
    "issuing_state,number,check_digit,reported_on,review_by,reason\n"
    "UTO,L898902C3,6,2026-10-01,2027-10-01,stolen at Bamako\n"
    "MLI,AA 001-2345,,2026-10-02,2027-10-01,lost\n"
    "NER,B1234567,0,2026-10-03,2027-10-01,stolen\n"
)


def test_documents_import_once_and_bad_check_digit_is_refused(engine, wanted, tmp_path):
    path = tmp_path / "docs.csv"
    path.write_text(CSV, encoding="utf-8")
    first = import_documents(engine, "wanted-ml", path, "admin", "monthly list", today=TODAY)
    assert first.outcomes == {"created": 2, "updated": 0, "unchanged": 0}
    assert len(first.refused) == 1 and first.refused[0].startswith("line 4:") and "check digit" in first.refused[0]
    again = import_documents(engine, "wanted-ml", path, "admin", "monthly list", today=TODAY)
    assert again.outcomes == {"created": 0, "updated": 0, "unchanged": 2}
    path.write_text(CSV.replace("stolen at Bamako", "stolen at Gao"), encoding="utf-8")
    assert import_documents(engine, "wanted-ml", path, "admin", "fix", today=TODAY).outcomes["updated"] == 1
    with Session(engine) as session:
        assert sorted(d.number_normalised for d in list_documents(session)) == ["AA0012345", "L898902C3"]


def test_document_list_with_wrong_columns_is_refused(engine, wanted, tmp_path):
    path = tmp_path / "docs.csv"
    path.write_text("state,passport\nMLI,AA1\n", encoding="utf-8")
    with pytest.raises(ManifestError, match="missing \\['issuing_state', 'number', 'reported_on'\\]"):
        import_documents(engine, "wanted-ml", path, "admin", "x", today=TODAY)
