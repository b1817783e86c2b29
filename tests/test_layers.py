"""The package layering of DESIGN.md holds: lower layers never import higher ones."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT = ("edge", "matcher", "watchlists", "api", "checkpoint", "benchmarks", "web_hardening")

# package -> project modules it may import (a prefix match on the dotted name)
ALLOWED = {
    "web_hardening": ("web_hardening",),
    "edge": ("edge",),
    "matcher": ("matcher",),
    "watchlists": ("watchlists", "edge", "matcher", "checkpoint.settings"),
    "api": ("api", "watchlists", "matcher", "edge", "checkpoint.settings", "web_hardening"),
    "checkpoint": ("checkpoint", "edge", "matcher", "watchlists", "api.schemas", "web_hardening"),
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


def test_settings_imports_nothing_from_the_project() -> None:
    assert _imports(ROOT / "checkpoint" / "settings.py") == set()
