"""Finds refusals built from text that bypasses the catalog: an error class (or a function that makes one) called
with a literal string, an f-string, or a `%`/call that is not `_()`. Used for the centre's ApiError and for
watchlists' WatchlistError, so every one an administrator reads is in their language."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path
from types import ModuleType


def error_class_names(module: ModuleType, base: type, package: Path) -> set[str]:
    """`base` and its subclasses: those in `module`, and those defined next to where they are raised in `package`."""
    found = {cls.__name__ for _name, cls in inspect.getmembers(module, inspect.isclass) if issubclass(cls, base)}
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and any(isinstance(b, ast.Name) and b.id in found for b in node.bases):
                found.add(node.name)
    return found


def error_factory_names(package: Path, classes: set[str]) -> set[str]:
    """Functions in `package` annotated to return one of `classes` (e.g. `_rejected(what, why) -> SnapshotRejected`):
    their text arguments end up in the refusal too."""
    found = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef) and isinstance(node.returns, ast.Name) and node.returns.id in classes:
                found.add(node.name)
    return found


def translated(node: ast.expr) -> bool:
    """`_("...")`, or `_("... %(x)s") % {...}`: text that goes through the catalog."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        node = node.left
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "gettext")


def _literal(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) or isinstance(node, ast.JoinedStr)


def untranslated_calls(package: Path, classes: set[str], factories: set[str] = frozenset()) -> list[str]:
    """`file:line Name` of each call to one of `classes` with untranslated text (and of each call to one of
    `factories` with a literal or formatted string: their other arguments may be names, e.g. a path)."""
    found = []
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            if node.func.id in classes and any(_untranslated(arg) for arg in node.args):
                found.append(f"{path.relative_to(package.parent)}:{node.lineno} {node.func.id}")
            elif node.func.id in factories and any(_untranslated_text(arg) for arg in node.args):
                found.append(f"{path.relative_to(package.parent)}:{node.lineno} {node.func.id}")
    return found


def _untranslated_text(arg: ast.expr) -> bool:
    return _literal(arg) or (isinstance(arg, ast.BinOp) and not translated(arg))


def _untranslated(arg: ast.expr) -> bool:
    """Text, or text made here (a `%`, a call such as `str(x)`) that is not `_()`; a method's result is trusted."""
    made_here = isinstance(arg, ast.Call) and not isinstance(arg.func, ast.Attribute)
    return _untranslated_text(arg) or (made_here and not translated(arg))
