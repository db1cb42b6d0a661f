"""The core never imports Textual: import every core module with Textual blocked."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import newsreader

CORE_EXCLUDE = ("newsreader.ui",)


def core_modules() -> list[str]:
    root = Path(newsreader.__file__).parent
    names = []
    for info in pkgutil.walk_packages([str(root)], prefix="newsreader."):
        if info.name.startswith(CORE_EXCLUDE) or info.name == "newsreader.__main__":
            continue
        names.append(info.name)
    return sorted(names)


def test_core_has_the_expected_modules() -> None:
    names = core_modules()
    for must in ("newsreader.config", "newsreader.store", "newsreader.refresh", "newsreader.cli"):
        assert must in names


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
