"""The layering rules, read from the syntax tree of every module (function-level and
type-only imports included), and checked at run time with Textual blocked.

    cli ──> session ──> refresh ──> sources (fetch, parse, discover, opml, feeds)
     │         │           └──────> store ──> query, models, text
     │         └──> compare (takes an ArticleLookup protocol, never the store)
     └──> ui ──> session, compare.present, query, models, text   (never store/sources)
"""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import newsreader

PACKAGE = Path(newsreader.__file__).parent

# module prefix -> prefixes it must never import (a module matches its longest prefix)
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "newsreader": ("textual", "newsreader.ui"),  # the whole core
    "newsreader.cli": ("textual",),  # may start the app (newsreader.ui), never Textual itself
    "newsreader.ui": ("newsreader.store", "newsreader.sources", "newsreader.refresh"),
    "newsreader.models": ("newsreader.",),
    "newsreader.errors": ("newsreader.",),
    # query/ runs against the store only through annotations (the store imports query/)
    "newsreader.query": (
        "textual", "newsreader.ui", "newsreader.sources", "newsreader.compare",
        "newsreader.session", "newsreader.refresh", "newsreader.cli",
    ),
    "newsreader.export": (
        "textual", "newsreader.ui", "newsreader.store", "newsreader.sources",
        "newsreader.session", "newsreader.refresh", "newsreader.cli",
    ),
    "newsreader.text": (
        "textual", "newsreader.ui", "newsreader.store", "newsreader.sources",
        "newsreader.compare", "newsreader.session", "newsreader.refresh", "newsreader.query",
    ),
    "newsreader.store": (
        "textual", "newsreader.ui", "newsreader.sources", "newsreader.compare",
        "newsreader.session", "newsreader.refresh", "newsreader.cli", "httpx",
    ),
    "newsreader.compare": (
        "textual", "newsreader.ui", "newsreader.store", "newsreader.sources",
        "newsreader.session", "newsreader.refresh", "newsreader.cli",
    ),
    "newsreader.sources": (
        "textual", "newsreader.ui", "newsreader.store", "newsreader.compare",
        "newsreader.session", "newsreader.refresh", "newsreader.cli",
    ),
    "newsreader.stories": (
        "textual", "newsreader.ui", "newsreader.sources", "newsreader.session",
        "newsreader.refresh", "newsreader.cli",
    ),
    "newsreader.sync": ("textual", "newsreader.ui", "newsreader.session", "newsreader.cli"),
    "newsreader.refresh": ("textual", "newsreader.ui", "newsreader.session", "newsreader.cli"),
    "newsreader.session": ("textual", "newsreader.ui", "newsreader.cli"),
}  # fmt: skip


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """Every module a file imports, anywhere in it (functions, TYPE_CHECKING blocks too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")
                up = up[: len(up) - (node.level - 1)]
                base = ".".join([*up, base] if base else up)
            out.add(base)
            out.update(f"{base}.{a.name}" for a in node.names)
    return out


def rules_for(module: str) -> tuple[str, ...]:
    best = max((p for p in FORBIDDEN if module == p or module.startswith(p + ".")), key=len)
    return FORBIDDEN[best]


def _matches(imported: str, prefix: str) -> bool:
    if prefix.endswith("."):
        return imported.startswith(prefix)
    return imported == prefix or imported.startswith(prefix + ".")


def test_the_parts_are_where_the_layout_says() -> None:
    for part in ("cli", "session", "sources", "store", "query", "text", "compare", "ui"):
        assert (PACKAGE / part / "__init__.py").is_file(), part
    for module in ("refresh.py", "config.py", "models.py", "errors.py"):
        assert (PACKAGE / module).is_file(), module


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: module_name(p))
def test_imports_follow_the_layers(path: Path) -> None:
    module = module_name(path)
    forbidden = rules_for(module)
    bad = sorted(
        i for i in imports_of(path) if any(_matches(i, p) for p in forbidden) and i != module
    )
    assert not bad, f"{module} must not import {bad}"


def test_the_rules_catch_a_function_level_import(tmp_path: Path) -> None:
    src = PACKAGE / "store" / "_probe_for_test.py"
    src.write_text("def f():\n    from newsreader.sources.fetch import Fetcher\n")
    try:
        assert "newsreader.sources.fetch" in imports_of(src)
        assert any(_matches(i, "newsreader.sources") for i in imports_of(src))
    finally:
        src.unlink()


def core_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages([str(PACKAGE)], prefix="newsreader."):
        if info.name.startswith("newsreader.ui") or info.name == "newsreader.__main__":
            continue
        names.append(info.name)
    return sorted(names)


def test_core_imports_without_textual() -> None:
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'textual' or name.startswith('textual.'):\n"
        "            raise ImportError('textual is blocked for the core: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import importlib\n"
        f"for name in {core_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "assert not any(m == 'textual' or m.startswith('textual.') for m in sys.modules)\n"
        "print('ok')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"
