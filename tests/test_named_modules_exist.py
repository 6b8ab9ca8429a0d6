"""Docstrings, comments and docs name modules a newcomer will look for: each must exist.

A dotted name in the project's own packages or its tests (`streaming.ingest.runner`,
`stored_media.signing.sign`, `tests.support.live_site`) must import as a module, or name an
attribute of one; a path (`streaming/ingest/`, `tests/support/http_sources.py`) must be a file
or folder. The product's code and docs are read whole; the tests' modules only in their
docstrings, since their code holds paths and names made up on purpose.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    "shadowvault",
    "stored_media",
    "ingest_core",
    "streaming",
    "readvault",
    "tenants",
    "stremio",
    "ads",
    "billing",
    "takedowns",
    "console",
    "curation",
    "parties",
    "audit",
    # Not `figures`: the word is a common variable name (`figures.append`) the pattern
    # cannot tell from the package.
)
_OWN = "|".join((*PACKAGES, "tests"))
# Not inside a string literal (settings keys, dispatch uids, model labels) nor a file name.
DOTTED = re.compile(rf"(?<![\"'\w./])(?:{_OWN})(?:\.[A-Za-z_][A-Za-z0-9_]*)+(?![\"'\w])")
# Not part of a URL or an absolute path (`/admin/streaming/…`, `/etc/shadowvault/…`).
PATH = re.compile(rf"(?<![/\w.])((?:{_OWN})/[A-Za-z0-9_/]*[A-Za-z0-9_])(\.[a-z]+)?")
FILE_SUFFIXES = {"sqlite3", "py", "html", "conf", "md", "txt", "json"}


def _product_sources() -> list[Path]:
    files = [p for package in PACKAGES for p in (ROOT / package).rglob("*.py")]
    files += [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]
    return [f for f in files if "migrations" not in f.parts]


def _docstrings(source: Path) -> str:
    kinds = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    nodes = [node for node in ast.walk(ast.parse(source.read_text())) if isinstance(node, kinds)]
    return "\n".join(filter(None, (ast.get_docstring(node, clean=False) for node in nodes)))


def _texts() -> dict[Path, str]:
    """What is read of each file: the product's whole, the tests' docstrings."""
    texts = {source: source.read_text() for source in _product_sources()}
    texts |= {source: _docstrings(source) for source in (ROOT / "tests").rglob("*.py")}
    return texts


def _resolves(dotted: str) -> bool:
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            if not hasattr(target, name):
                return False
            target = getattr(target, name)
        return True
    return False


def _names(text: str) -> set[str]:
    # A trailing ".py" or a sentence's full stop is not part of the name.
    names = {name.removesuffix(".py") for name in DOTTED.findall(text)}
    return {name for name in names if name.rsplit(".", 1)[-1] not in FILE_SUFFIXES}


def _exists(path: str, suffix: str) -> bool:
    candidates = [
        ROOT / f"{path}{suffix}",
        ROOT / f"{path}.py",
        ROOT / "templates" / f"{path}{suffix}",
    ]
    return any(candidate.exists() for candidate in candidates)


def test_every_dotted_name_in_the_code_and_docs_resolves():
    missing = sorted(
        f"{source.relative_to(ROOT)}: {name}"
        for source, text in _texts().items()
        for name in _names(text)
        if not _resolves(name)
    )
    assert missing == []


def test_every_path_in_the_docs_exists():
    missing = sorted(
        f"{source.relative_to(ROOT)}: {found}"
        for source, text in _texts().items()
        for found, suffix in PATH.findall(text)
        if not _exists(found, suffix)
    )
    assert missing == []
