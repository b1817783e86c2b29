"""Reason meanings: the shipped policy's words are the catalog's, an officer reads them in their language, the codes
never change, and a site's own wording is shown as the site wrote it."""

from __future__ import annotations

import tomllib

from checkpoint import i18n
from checkpoint.policy import DEFAULT_POLICY, load_policy
from checkpoint.policy.meanings import DEFAULT_MEANINGS
from checkpoint.policy.policy import REASON_CODES


def test_the_shipped_policy_says_what_the_catalog_source_says_word_for_word():
    shipped = tomllib.loads(DEFAULT_POLICY.read_text())["reasons"]
    assert shipped == DEFAULT_MEANINGS
    assert tuple(DEFAULT_MEANINGS) == REASON_CODES


def test_an_officer_reads_each_meaning_in_french_and_in_english():
    policy = load_policy()
    with i18n.language("fr"):
        french = {code: policy.meaning(code) for code in REASON_CODES}
    with i18n.language("en"):
        english = {code: policy.meaning(code) for code in REASON_CODES}
    assert english == DEFAULT_MEANINGS
    untranslated = [code for code in REASON_CODES if french[code] == english[code]]
    assert not untranslated, f"shown in English on a French page: {untranslated}"
    assert french["DOCUMENT_LISTED"] == "Le document figure sur une liste de documents signalés perdus ou volés"


def test_a_sites_own_meaning_is_shown_as_written(tmp_path):
    own = "Document sur la liste nationale : appeler le chef de poste"
    text = DEFAULT_POLICY.read_text().replace(
        f'DOCUMENT_LISTED = "{DEFAULT_MEANINGS["DOCUMENT_LISTED"]}"', f'DOCUMENT_LISTED = "{own}"'
    )
    site = tmp_path / "policy.toml"
    site.write_text(text)
    with i18n.language("en"):
        assert load_policy(site).meaning("DOCUMENT_LISTED") == own
