"""The project cache: a project loaded once is reused while no file under its root changed.

A loaded :class:`~wxreplay.project.Project` keeps its compiled card templates and JSON Schema
validators, which makes the second scenario over it much cheaper than the first; a stamp of every
file's name, size and mtime tells when it must be loaded again.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from wxreplay.project.model import Project

__all__ = ["load_project"]

_PROJECTS: dict[str, tuple[tuple[Any, ...], Project]] = {}
_SKIP_DIRS = frozenset({"node_modules", ".git", "__pycache__", "miniprogram_npm"})


def _fingerprint(root: Path, limit: int = 5000) -> tuple[Any, ...] | None:
    """Name, size and mtime of every file under ``root`` (None past ``limit`` files: not worth caching)."""
    out: list[tuple[str, int, int]] = []
    stack = [str(root)]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            return None
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name not in _SKIP_DIRS:
                    stack.append(entry.path)
            elif entry.is_file():
                st = entry.stat()
                out.append((entry.path, st.st_size, st.st_mtime_ns))
                if len(out) > limit:
                    return None
    return tuple(sorted(out))


def load_project(path: Path) -> Project:
    """``Project.load(path)``, reused across runs while no file under the project's root changed.

    A project loaded once keeps its compiled card templates and JSON Schema validators, which
    makes the second scenario over it much cheaper than the first.
    """
    key = os.path.realpath(path)
    hit = _PROJECTS.get(key)
    if hit is not None and _fingerprint(hit[1].root) == hit[0]:
        return hit[1]
    project = Project.load(path)
    stamp = _fingerprint(project.root)
    if stamp is not None:
        if len(_PROJECTS) >= 16:
            _PROJECTS.pop(next(iter(_PROJECTS)))
        _PROJECTS[key] = (stamp, project)
    return project
