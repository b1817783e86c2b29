"""Languages: every string marked for translation in the code and the templates is in the French catalog,
translated, not fuzzy, and the compiled catalog the services load says the same."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from checkpoint import i18n

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("api", "benchmarks", "checkpoint", "edge", "matcher", "watchlists")


def _catalog(path: Path):
    with open(path, "rb") as fh:
        return read_po(fh)


def _translated(message) -> bool:
    return all(message.string) if isinstance(message.string, tuple) else bool(message.string)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> set[str]:
    """What `pybabel extract` finds now, exactly as scripts/catalogs.sh runs it."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run(
        [str(pybabel), "-q", "extract", "-F", "babel.cfg", "-k", "lazy_gettext", "-k", "N_plural:1,2", "--no-location"]
        + ["-o", str(pot), *SOURCES],
        cwd=ROOT,
        check=True,
        timeout=300,
    )
    return {m.id if isinstance(m.id, str) else m.id[0] for m in _catalog(pot) if m.id}


@pytest.mark.parametrize("lang", [lang for lang in i18n.LANGUAGES if lang != i18n.SOURCE_LANGUAGE])
def test_every_marked_string_is_translated(extracted, lang):
    catalog = _catalog(i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po")
    by_id = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog if m.id}
    missing = sorted(extracted - set(by_id))
    assert not missing, f"not in the {lang} catalog (run `bash scripts/catalogs.sh update`, then translate): {missing}"
    empty = sorted(k for k in extracted if not _translated(by_id[k]))
    assert not empty, f"untranslated in the {lang} catalog: {empty}"
    fuzzy = sorted(k for k, m in by_id.items() if m.fuzzy)
    assert not fuzzy, f"fuzzy (unchecked) entries in the {lang} catalog: {fuzzy}"


@pytest.mark.parametrize("lang", [lang for lang in i18n.LANGUAGES if lang != i18n.SOURCE_LANGUAGE])
def test_the_compiled_catalog_matches_its_source(lang):
    """A .po edited without `bash scripts/catalogs.sh compile` would leave the services on old translations."""
    catalog = _catalog(i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po")
    compiled = i18n.translations(lang)
    stale = [m.id for m in catalog if m.id and isinstance(m.id, str) and compiled.gettext(m.id) != m.string]
    assert not stale, f"compile the {lang} catalog again: {stale[:5]}"


def test_language_negotiation_prefers_the_persons_choice_then_the_browser_then_the_post():
    assert i18n.negotiate("en-GB,en;q=0.9", "fr", "en") == "fr"
    assert i18n.negotiate("de-DE,en;q=0.5,fr;q=0.8", None, "en") == "fr"
    assert i18n.negotiate("de-DE", None, "fr") == "fr"
    assert i18n.negotiate("fr;q=0, en", None, "fr") == "en"


def test_each_request_is_served_in_its_readers_language():
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    def page(request):
        return PlainTextResponse(i18n.current())

    app = i18n.LanguageMiddleware(Starlette(routes=[Route("/", page)]), default="fr")
    client = TestClient(app)
    assert client.get("/").text == "fr"  # the post's default
    assert client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).text == "en"
    assert client.get("/", headers={"Accept-Language": "en", "Cookie": "lang=fr"}).text == "fr"  # a person's choice
    assert i18n.current() == i18n.SOURCE_LANGUAGE  # nothing leaks out of a request


def test_no_module_that_translates_with_underscore_also_uses_it_as_a_throwaway_name():
    # `scheme, _, value = header.partition(" ")` in a function that raises `_("...")` made every malformed
    # Authorization header a 500: the throwaway string shadowed the translation function.
    root = Path(__file__).resolve().parent.parent
    shadowing = []
    for package in ("api", "benchmarks", "checkpoint", "edge", "matcher", "watchlists"):
        for path in (root / package).rglob("*.py"):
            tree = ast.parse(path.read_text())
            translates = any(
                isinstance(node, ast.ImportFrom)
                and node.module == "checkpoint.i18n"
                and any(alias.name == "_" and alias.asname is None for alias in node.names)
                for node in ast.walk(tree)
            )
            shadowing += [
                f"{path.relative_to(root)}:{node.lineno}"
                for node in ast.walk(tree)
                if translates and isinstance(node, ast.Name) and node.id == "_" and isinstance(node.ctx, ast.Store)
            ]
    assert not shadowing, "`_` assigned where it is the translation function:\n" + "\n".join(shadowing)
