"""Copy text to the system clipboard with the platform's own tool, when there is one.

Tried in order, each run without a shell with the text on stdin only: `wl-copy` (Wayland),
`xclip` / `xsel` (X11, when DISPLAY is set), `pbcopy` (macOS), `clip.exe` (WSL). The app falls
back to the terminal's clipboard (OSC 52) and says which one it used.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

TOOLS: list[tuple[str, list[str], str | None]] = [
    ("wl-copy", ["wl-copy"], "WAYLAND_DISPLAY"),
    ("xclip", ["xclip", "-selection", "clipboard"], "DISPLAY"),
    ("xsel", ["xsel", "--clipboard", "--input"], "DISPLAY"),
    ("pbcopy", ["pbcopy"], None if sys.platform == "darwin" else "__never__"),
    ("clip.exe", ["clip.exe"], None),
]


def copy_with_tool(text: str, timeout: float = 3.0) -> str | None:
    """Copy `text` with the first working clipboard tool; its name, or None if none worked."""
    for name, argv, needs in TOOLS:
        if needs is not None and not os.environ.get(needs):
            continue
        program = shutil.which(argv[0])
        if program is None:
            continue
        try:
            done = subprocess.run(
                [program, *argv[1:]],
                input=text.encode("utf-8"),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=timeout,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        if done.returncode == 0:
            return name
    return None
