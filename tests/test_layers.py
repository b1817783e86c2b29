"""The package layering of DESIGN.md holds: lower layers never import higher ones."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT = ("edge", "matcher", "watchlists", "api", "checkpoint", "benchmarks")
# Leaf modules that import nothing from the project, so every layer may use them.
EVERYWHERE = ("checkpoint.settings", "checkpoint.i18n")
# Pydantic's errors in the reader's words: imports only checkpoint.i18n (tested below), so every layer that reports
# a refused field (watchlists, api, the kiosk) may use it.
VALIDATION_WORDS = "checkpoint.validation_words"

# package -> project modules it may import (a prefix match on the dotted name)
ALLOWED = {
    "edge": ("edge", "checkpoint.i18n"),  # settings reach edge and matcher as plain values, never read there
    "matcher": ("matcher", "checkpoint.i18n"),
    "watchlists": ("watchlists", "edge", "matcher", *EVERYWHERE, VALIDATION_WORDS),
    "api": ("api", "watchlists", "matcher", "edge", *EVERYWHERE, VALIDATION_WORDS),
    "checkpoint": (
        "checkpoint",
        "edge",
        "matcher",
        "watchlists",
        "api.schemas",
        "api.browser_guard",
    ),
}
# The CLI is the composition root: it wires everything together, importing lazily inside commands.
COMPOSITION_ROOT = "checkpoint.cli"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return {name for name in found if name.split(".")[0] in PROJECT}


def test_no_package_imports_a_higher_layer() -> None:
    violations = []
    for package, allowed in ALLOWED.items():
        for path in (ROOT / package).rglob("*.py"):
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            if module.startswith(COMPOSITION_ROOT):
                continue
            for name in _imports(path):
                if not any(name == a or name.startswith(a + ".") for a in allowed):
                    violations.append(f"{module} imports {name}")
    assert not violations, "layering broken:\n" + "\n".join(sorted(violations))


def _imports_of(module: str) -> set[str]:
    return _imports(ROOT.joinpath(*module.split(".")).with_suffix(".py"))


def test_leaf_modules_import_nothing_from_the_project() -> None:
    for module in (*EVERYWHERE, "api.browser_guard"):
        assert _imports_of(module) == set(), module


def test_the_shared_modules_import_no_more_than_the_leaves() -> None:
    # The kiosk may use these without pulling the centre (its database, its routes) in with them, and watchlists
    # may use the validation words without importing a higher layer through them.
    for module in ("api.browser_guard", VALIDATION_WORDS):
        assert _imports_of(module) <= set(EVERYWHERE), module
