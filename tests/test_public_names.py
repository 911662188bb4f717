"""Everything public is importable from ``chengdu_infoscore``, as docs/api.md says: every name the
docs import from the package, and every public function or class they call without saying
which module it lives in."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import chengdu_infoscore

ROOT = Path(__file__).parent.parent
DOCS = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]
_IMPORT = re.compile(r"from chengdu_infoscore import \(?([\w, \n.>]+?)\)?\s*$", re.MULTILINE)
_IMPORT_FROM = re.compile(r"from chengdu_infoscore\.[\w.]+ import \(?([\w, \n.>]+?)\)?\s*$", re.MULTILINE)
_CALL = re.compile(r"(?<![\w.])([A-Za-z_]\w*)\(")
_CODE_SPAN = re.compile(r"`([^`\n]+)`")


def _public_names() -> dict[str, list[str]]:
    """Each name in the ``__all__`` of a public module of the package, with those modules."""
    found: dict[str, list[str]] = {}
    for info in pkgutil.walk_packages(chengdu_infoscore.__path__, "chengdu_infoscore."):
        if any(part.startswith("_") for part in info.name.split(".")):
            continue
        module = importlib.import_module(info.name)
        for name in getattr(module, "__all__", ()):
            found.setdefault(name, []).append(info.name)
    return found


def _paragraphs(text: str) -> list[str]:
    return re.split(r"\n\s*\n", text)


def _code(paragraph: str) -> str:
    """What a paragraph runs or names as code: its code spans and its doctest lines (not their output)."""
    spans = _CODE_SPAN.findall(paragraph)
    lines = [line[4:] for line in paragraph.splitlines() if line.startswith((">>> ", "... "))]
    return "\n".join(spans + lines)


def test_every_name_the_docs_import_from_the_package_is_there() -> None:
    """`from chengdu_infoscore import …` in docs/*.md and README.md: every name is in __all__."""
    imported = set()
    for doc in DOCS:
        for names in _IMPORT.findall(doc.read_text(encoding="utf-8")):
            imported |= {n for n in re.findall(r"[A-Za-z_]\w*", names)}
    assert set() == imported - set(chengdu_infoscore.__all__)


def test_every_public_name_the_docs_call_without_its_module_is_importable_from_the_package() -> None:
    """A public function the docs call bare (`month_end(2007, 6)`) is importable from chengdu_infoscore."""
    public = _public_names()
    missing = set()
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        imported = {n for names in _IMPORT_FROM.findall(text) for n in re.findall(r"[A-Za-z_]\w*", names)}
        for paragraph in _paragraphs(text):
            for name in _CALL.findall(_code(paragraph)):
                modules = public.get(name, [])
                if not modules or name in chengdu_infoscore.__all__ or name in imported:
                    continue
                if not any(module in paragraph for module in modules):  # the paragraph says where it lives
                    missing.add(f"{doc.name}: {name}")
    assert set() == missing


def test_every_name_of_the_package_all_is_there() -> None:
    """Every name in __all__ (kept sorted by ruff's RUF022) is an attribute of the package."""
    assert [] == [n for n in chengdu_infoscore.__all__ if not hasattr(chengdu_infoscore, n)]
