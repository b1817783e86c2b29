"""Why a name matched is shown to the officer beside the candidate: in French on a French kiosk, in English on an
English one; the names themselves and the score stay as they are."""

from __future__ import annotations

from checkpoint import i18n
from watchlists.names import score_pair


def test_name_match_reasons_read_in_french():
    with i18n.language("en"):
        english = score_pair("Mohamed Ag Ahmed", "1980-05-12", "Mahamadou Ould Ahmed", "1981-05-12")
    with i18n.language("fr"):
        french = score_pair("Mohamed Ag Ahmed", "1980-05-12", "Mahamadou Ould Ahmed", "1981-05-12")
    assert french.score == english.score
    assert english.reasons == [
        "mohamed ~ mahamadou: known variant",
        "particles/titles ignored: ag vs ould",
        "same day and month, years one apart",
    ]
    assert french.reasons == [
        "mohamed ~ mahamadou : variante connue",
        "particules/titres ignorés : ag contre ould",
        "même jour et même mois, années à un an d'écart",
    ]
