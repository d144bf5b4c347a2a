"""``wxreplay init``'s file edits: the pytest ini keys added to the configuration pytest reads, without loss.

The keys go into the file pytest would take its configuration from in the repository folder
(``pytest.toml``, ``pytest.ini``, ``pyproject.toml`` with ``[tool.pytest.ini_options]``,
``tox.ini`` with ``[pytest]``, ``setup.cfg`` with ``[tool:pytest]``, in pytest's order), else into
``pyproject.toml`` (a ``[tool.pytest.ini_options]`` table appended, the file created if missing).
The edit is textual: every other line, comment and table stays byte for byte; new keys are put
after the table's last key. The result is parsed again and must hold exactly the old data plus
the new keys, or nothing is written and the error gives the lines to add by hand. A key already
set is never changed (a different value is reported and kept).
"""

from __future__ import annotations

import configparser
import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wxreplay.config import CONFIG_NAMES, read_pytest_section
from wxreplay.errors import UsageError

__all__ = ["CI_WORKFLOW", "IniEdit", "add_ini_keys"]

#: The GitHub Actions workflow ``wxreplay init --github-workflow`` writes (and ``init`` prints otherwise).
CI_WORKFLOW = """\
# Replays the wxreplay scenarios from their cassettes: no service, no network (CI=true forces replay).
name: wxreplay
on: [push, pull_request]
jobs:
  scenarios:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: pip install wxreplay pytest
      - run: wxreplay scan cassettes scenarios   # no secret in what is committed
      - run: pytest scenarios                    # every *.scenario.yaml, with its snapshot
"""


@dataclass(frozen=True)
class IniEdit:
    """What :func:`add_ini_keys` did: the file, the keys added, and the keys kept with another value."""

    file: Path
    added: dict[str, str]
    kept: dict[str, str]  # key -> the value already there (differs from the one init would write)
    created: bool


def _target(root: Path) -> tuple[Path, str]:
    """The file to edit and its section: pytest's choice in ``root``, else ``pyproject.toml``'s ini_options."""
    for name in CONFIG_NAMES:
        path = root / name
        if not path.is_file():
            continue
        section = read_pytest_section(path)  # a file pytest cannot read: UsageError naming it
        if section is None:
            continue
        if path.suffix == ".toml":
            if name in ("pytest.toml", ".pytest.toml"):
                return path, "pytest"
            tool = tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {}).get("pytest", {})
            native = any(k != "ini_options" for k in tool)
            return path, "tool.pytest" if native else "tool.pytest.ini_options"
        return path, "tool:pytest" if path.suffix == ".cfg" else "pytest"
    return root / "pyproject.toml", "tool.pytest.ini_options"


def _header(section: str, toml: bool) -> re.Pattern[str]:
    if toml:
        parts = r"\s*\.\s*".join(re.escape(p) for p in section.split("."))
        return re.compile(rf"^\s*\[\s*{parts}\s*\]\s*(#.*)?$")
    return re.compile(rf"^\s*\[\s*{re.escape(section)}\s*\]\s*([#;].*)?$")


def _insert(lines: list[str], header: re.Pattern[str], new: list[str], section: str) -> list[str]:
    """``lines`` with ``new`` after the last key of the section ``header`` matches (appended as a new section if none)."""
    start = next((i for i, line in enumerate(lines) if header.match(line)), None)
    if start is None:
        tail = [] if not lines or lines[-1].strip() == "" else [""]
        return [*lines, *tail, f"[{section}]", *new]
    end = next((i for i in range(start + 1, len(lines)) if _is_header(lines[i])), len(lines))
    last = start
    for i in range(start + 1, end):
        stripped = lines[i].strip()
        if stripped and not stripped.startswith(("#", ";")):
            last = i
    return [*lines[: last + 1], *new, *lines[last + 1 :]]


def _is_header(line: str) -> bool:
    """A table or section header line (``[a.b]``, ``[[a]]``, ``[pytest]``), not an array value's continuation."""
    return re.match(r"^\[{1,2}\s*[\w\"'.: -]+\s*\]{1,2}\s*([#;].*)?$", line.strip()) is not None


def _read(path: Path, section: str) -> dict[str, Any]:
    """The keys of ``section`` in ``path`` as pytest reads them."""
    if path.suffix == ".toml":
        data: Any = tomllib.loads(path.read_text(encoding="utf-8"))
        for part in section.split("."):
            data = data.get(part, {}) if isinstance(data, dict) else {}
        return dict(data) if isinstance(data, dict) else {}
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(path.read_text(encoding="utf-8"))
    return {k: v.strip() for k, v in parser.items(section)} if parser.has_section(section) else {}


def _parse_all(text: str, toml: bool) -> Any:
    if toml:
        return tomllib.loads(text)
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(text)
    return {s: dict(parser.items(s)) for s in parser.sections()}


def add_ini_keys(root: Path, keys: dict[str, str]) -> IniEdit:
    """Add the ``wxreplay_*`` ``keys`` (string values) to pytest's configuration in ``root``; see the module docstring."""
    path, section = _target(root)
    toml = path.suffix == ".toml"
    created = not path.exists()
    old_text = path.read_bytes().decode("utf-8") if path.exists() else ""  # as it is: line endings untranslated
    existing = _read(path, section) if path.exists() else {}
    added = {k: v for k, v in keys.items() if k not in existing}
    kept = {k: str(existing[k]) for k, v in keys.items() if k in existing and str(existing[k]) != v}
    if not added:
        return IniEdit(path, {}, kept, created=False)
    new = [f"{k} = {json.dumps(v, ensure_ascii=False) if toml else v}" for k, v in added.items()]
    lines = old_text.splitlines()
    newline = "\r\n" if "\r\n" in old_text else "\n"  # a Windows-edited file keeps its line endings
    text = newline.join(_insert(lines, _header(section, toml), new, section)) + newline
    # The safety net: the edit must keep every old value and add exactly the new keys.
    try:
        before, after = _parse_all(old_text, toml), _parse_all(text, toml)
        ok = _read_from(after, section, toml) == {**_read_from(before, section, toml), **added} and _without(
            after, section, toml
        ) == _without(before, section, toml)
    except (tomllib.TOMLDecodeError, configparser.Error):
        ok = False
    if not ok:
        by_hand = "\n".join(f"    {line}" for line in new)
        raise UsageError(
            f"{path}: cannot add the wxreplay keys to [{section}] safely (the file's layout is unusual)",
            hint=f"add these lines to [{section}] by hand, then run wxreplay init again:\n{by_hand}",
        )
    path.write_bytes(text.encode("utf-8"))
    return IniEdit(path, added, kept, created)


def _read_from(data: Any, section: str, toml: bool) -> dict[str, Any]:
    if not toml:
        return dict(data.get(section, {}))
    for part in section.split("."):
        data = data.get(part, {}) if isinstance(data, dict) else {}
    return dict(data) if isinstance(data, dict) else {}


def _without(data: Any, section: str, toml: bool) -> Any:
    """``data`` without ``section`` (the rest must not change)."""
    if not toml:
        return {k: v for k, v in data.items() if k != section}
    parts = section.split(".")

    def strip(node: Any, depth: int) -> Any:
        if not isinstance(node, dict):
            return node
        out = {}
        for k, v in node.items():
            if k == parts[depth] and depth == len(parts) - 1:
                continue
            out[k] = strip(v, depth + 1) if k == parts[depth] and depth < len(parts) - 1 else v
        return {k: v for k, v in out.items() if v != {} or k not in parts}

    return strip(data, 0)
