"""The package as users meet it: the public facade, the quick start and what CI runs."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest

import wxreplay

ROOT = Path(__file__).resolve().parents[2]


def test_facade_exports_exactly_all() -> None:
    # The facade loads lazily: every name in __all__ resolves, and nothing else public is defined
    # at module level (submodules become attributes when imported; they are not the facade).
    assert set(wxreplay.__all__) == set(wxreplay._WHERE)
    for name in wxreplay.__all__:
        assert getattr(wxreplay, name).__doc__, f"{name} needs a docstring"
    public = {n for n, v in vars(wxreplay).items() if not n.startswith("_") and not inspect.ismodule(v)}
    assert public - {"annotations", "importlib", "TYPE_CHECKING", "Any"} == set(wxreplay.__all__)
    with pytest.raises(AttributeError):
        wxreplay.Nope  # noqa: B018


def test_importing_the_package_does_not_load_the_engine() -> None:
    # pytest imports wxreplay (the plugin) in every run where it is installed.
    code = (
        "import sys, wxreplay, wxreplay.plugin; "
        "print(sorted(m for m in sys.modules if m in ('py_mini_racer', 'wxreplay.session')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def quick_start() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Quick start\s+```bash\n(.*?)```", readme, re.S)
    assert block, "README.md has a Quick start bash block"
    return [line.strip() for line in block.group(1).splitlines() if line.strip()]


CODE_QUALITY = ["ruff check .", "ruff format --check .", "mypy"]


def test_quick_start_is_two_commands_and_ci_runs_exactly_them() -> None:
    setup, test = quick_start()
    assert setup.startswith('pip install -e ".[test]" && wxreplay ')
    assert test == "pytest"
    ci = [ln.strip() for ln in (ROOT / ".ci/run").read_text().splitlines() if ln.strip() and not ln.startswith("#")]
    # Besides the README's commands, CI only sets the shell up, installs Chromium for card pictures
    # and then checks code quality (lint, format, types: outside pytest, after the tests).
    commands = " && ".join(ln for ln in ci if not ln.startswith(("set ", "cd ", "command -v chromium")))
    assert commands == " && ".join([setup, test, *CODE_QUALITY])


def test_console_script_runs() -> None:
    done = subprocess.run([sys.executable, "-m", "wxreplay.cli", "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "call" in done.stdout


# Markdown links: [text](target); an http(s) or mailto target leaves the repository on purpose.
_LINK = re.compile(r"\]\(([^)\s]+)\)")


@pytest.mark.parametrize("doc", ["README.md", *sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "docs").glob("*.md"))])
def test_docs_link_only_to_files_inside_the_repository(doc: str) -> None:
    path = ROOT / doc
    text = path.read_text(encoding="utf-8")
    assert "../shared" not in text, f"{doc} points outside the repository"
    for target in _LINK.findall(text):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue
        resolved = (path.parent / target.split("#", 1)[0]).resolve()
        assert resolved.is_relative_to(ROOT) and resolved.exists(), f"{doc} links to {target}, which is not in the repository"


def test_the_package_says_its_license_and_ships_its_type_hints() -> None:
    import tomllib

    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert meta["project"]["license"] == "MIT"  # an SPDX expression (PEP 639), not a table
    assert meta["project"]["license-files"] == ["LICENSE"] and "MIT License" in (ROOT / "LICENSE").read_text()
    assert (ROOT / "wxreplay" / "py.typed").exists()
    assert "py.typed" in meta["tool"]["setuptools"]["package-data"]["wxreplay"]
