"""Where a project's configuration lives: pytest's rootdir and inifile, found the way pytest finds them.

``wxreplay run`` and the pytest plugin must read one configuration, or the two runners give two
verdicts. pytest picks its *inifile* by walking up from each path it is given (then from the
working directory when given none) and taking the first of ``pytest.toml``, ``.pytest.toml``,
``pytest.ini``, ``.pytest.ini``, ``pyproject.toml`` (with a ``[tool.pytest]`` or
``[tool.pytest.ini_options]`` table), ``tox.ini`` (with ``[pytest]``) or ``setup.cfg`` (with
``[tool:pytest]``) that holds pytest configuration; the first ``pyproject.toml`` met is the fallback;
the inifile's folder is the *rootdir*. :func:`discover` does exactly that, so the root never depends
on the working directory when a path is given. Everything configured resolves from there:

* the ``wxreplay_*`` keys of the inifile (the same keys the plugin reads), paths relative to the
  inifile's folder;
* ``<root>/cassettes``, the default cassette folder;
* ``[tool.wxreplay.redact]`` of ``<root>/pyproject.toml``, the redaction rules;
* ``wxml_calls`` of ``[tool.wxreplay]`` there, what a method call in card WXML becomes (:func:`wxml_calls`).
* ``[tool.wxreplay] snapshot_compact_bytes`` of ``<root>/pyproject.toml``: host-call values over that
  many bytes are a size and a digest in snapshots (:func:`snapshot_compact_bytes`).

No configuration file at all: the root is the folder of the first path (a scenario file's folder),
never the working directory.
"""

from __future__ import annotations

import configparser
import json
import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

from wxreplay import tomltext
from wxreplay.errors import UsageError
from wxreplay.source import did_you_mean, display_path, excerpt

__all__ = [
    "CONFIG_NAMES",
    "SNAPSHOT_COMPACT_KEY",
    "WXML_CALLS",
    "RootConfig",
    "WxmlCalls",
    "discover",
    "read_pytest_section",
    "snapshot_compact_bytes",
    "wxml_calls",
]

# pytest's order (pytest 9: _pytest/config/findpaths.py); the first file in it holding pytest configuration wins.
CONFIG_NAMES = ("pytest.toml", ".pytest.toml", "pytest.ini", ".pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg")


@dataclass(frozen=True)
class RootConfig:
    """The rootdir, its inifile and the inifile's pytest section (``ini``: key -> value as written)."""

    root: Path
    inifile: Path | None = None
    ini: Mapping[str, Any] = field(default_factory=dict)

    @property
    def base(self) -> Path:
        """The folder relative paths of the inifile are taken from (the inifile's, else the root)."""
        return self.inifile.parent if self.inifile is not None else self.root

    @property
    def pyproject(self) -> Path:
        """``<root>/pyproject.toml``: where ``[tool.wxreplay.redact]`` is read (it may not exist)."""
        return self.root / "pyproject.toml"

    def value(self, name: str) -> Any:
        """The inifile's ``wxreplay_<name>``, or ``None`` when it is not set."""
        found = self.ini.get(f"wxreplay_{name}")
        return None if found is None or found == "" else found

    def path(self, name: str) -> Path | None:
        """The inifile's ``wxreplay_<name>`` as a path, relative ones taken from the inifile's folder."""
        found = self.value(name)
        return self.base / str(found) if found is not None else None

    def flag(self, name: str) -> bool:
        """The inifile's ``wxreplay_<name>`` as pytest reads a bool ini key (true/1/yes/on)."""
        found = self.value(name)
        if isinstance(found, bool):
            return found
        return str(found).strip().lower() in ("1", "true", "yes", "y", "on", "t") if found is not None else False

    @property
    def cassette_dir(self) -> Path:
        """``wxreplay_cassette_dir`` of the inifile, else ``<root>/cassettes``."""
        return self.path("cassette_dir") or self.root / "cassettes"


def read_pytest_section(path: Path) -> dict[str, Any] | None:
    """The pytest configuration ``path`` holds (``{}`` for an empty pytest.ini), or ``None`` when it holds none.

    A file that cannot be parsed is a :class:`UsageError` naming it (pytest refuses it too).
    """
    try:
        if path.suffix == ".toml":
            data = tomltext.loads(path.read_text(encoding="utf-8"))
            if path.name in ("pytest.toml", ".pytest.toml"):
                return dict(data.get("pytest", {}))
            tool = data.get("tool", {}).get("pytest")
            if not isinstance(tool, dict):
                return None
            native = {k: v for k, v in tool.items() if k != "ini_options"}
            if native:
                return native
            section = tool.get("ini_options")
            return dict(section) if isinstance(section, dict) else None
        parser = configparser.ConfigParser(interpolation=None)
        parser.read_string(path.read_text(encoding="utf-8"), source=str(path))
    except (tomllib.TOMLDecodeError, configparser.Error, UnicodeDecodeError) as e:
        raise UsageError(
            f"{path}: cannot be read as pytest configuration: {e}", hint="fix the file (pytest refuses it too)"
        ) from None
    section = "tool:pytest" if path.suffix == ".cfg" else "pytest"
    if parser.has_section(section):
        return {k: v.strip() for k, v in parser.items(section)}
    return {} if path.name in ("pytest.ini", ".pytest.ini") else None


def discover(paths: Iterable[str | Path] = ()) -> RootConfig:
    """The configuration of a run over ``paths`` (scenario files or folders), found as pytest finds its rootdir.

    Each path is walked up in turn; with no path, the working directory (what ``pytest`` with no
    argument does). Not cached: a file edited between two runs of one process is seen.
    """
    starts = [os.path.abspath(p) for p in paths] or [os.getcwd()]
    first_pyproject: Path | None = None
    for start in starts:
        here = Path(start)
        for base in (here, *here.parents):
            for name in CONFIG_NAMES:
                candidate = base / name
                if not candidate.is_file():
                    continue
                section = read_pytest_section(candidate)
                if name == "pyproject.toml" and first_pyproject is None:
                    first_pyproject = candidate
                if section is not None:
                    return RootConfig(base, candidate, section)
    if first_pyproject is not None:
        return RootConfig(first_pyproject.parent, first_pyproject, {})
    first = Path(starts[0])
    return RootConfig(first if first.is_dir() else first.parent)


# ---- [tool.wxreplay] wxml_calls ---------------------------------------------------------------------

WxmlCalls = Literal["undefined", "javascript"]
WXML_CALLS: tuple[WxmlCalls, ...] = ("undefined", "javascript")


def wxml_calls(config: RootConfig) -> WxmlCalls:
    """``wxml_calls`` of ``[tool.wxreplay]`` in ``<root>/pyproject.toml``; ``"undefined"`` when unset.

    What a method call in card WXML (``{{item.date.slice(5)}}``) becomes: ``"undefined"``, what the
    client shows, with a warning finding; or ``"javascript"``, evaluated in the card's context. A bad
    value is a :class:`UsageError` naming the file and line.
    """
    path = config.pyproject
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return "undefined"
    try:
        tool = tomltext.loads(text).get("tool", {})
    except tomllib.TOMLDecodeError as e:
        raise UsageError(f"{path}: invalid TOML: {e}", hint="fix the file") from None
    table = tool.get("wxreplay", {}) if isinstance(tool, dict) else {}
    value = table.get("wxml_calls", "undefined") if isinstance(table, dict) else "undefined"
    if value in WXML_CALLS:
        return cast(WxmlCalls, value)
    m = re.search(r"^[ \t]*(?:wxreplay\.)?wxml_calls[ \t]*=", text, re.MULTILINE)
    where = f"{path}:{text.count(chr(10), 0, m.start()) + 1}" if m else str(path)
    shown = f'"{value}"' if isinstance(value, str) else repr(value)
    raise UsageError(
        f"{where}: [tool.wxreplay] wxml_calls = {shown} is not one of " + ", ".join(f'"{v}"' for v in WXML_CALLS),
        hint='write wxml_calls = "undefined" (the default: a method call in card WXML shows nothing, with a '
        'warning) or wxml_calls = "javascript" (your client evaluates it as JavaScript)',
    )


#: The ``[tool.wxreplay]`` key of the snapshot limit (see :mod:`wxreplay.snapshot.compact`).
SNAPSHOT_COMPACT_KEY = "snapshot_compact_bytes"
_COMPACT_FIX = (
    f"write {SNAPSHOT_COMPACT_KEY} = 4096 (values over 4 KiB of JSON become a size and a digest in snapshots), "
    "or 0 (or false) to keep every value in full"
)


def snapshot_compact_bytes(pyproject: Path) -> int | None:
    """``[tool.wxreplay] snapshot_compact_bytes`` of ``pyproject``: ``0`` for ``0`` or ``false`` (every value in
    full), ``None`` when the file or the key is missing (the default applies).

    A value that is not a whole number of bytes, or a ``snapshot...`` key that is not this one (a typo
    would silently keep the default), is a :class:`UsageError` naming the file, line and column.
    """
    if not pyproject.is_file():
        return None
    text = pyproject.read_text(encoding="utf-8")
    try:
        data = tomltext.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise UsageError(f"{display_path(pyproject)}: invalid TOML: {e}") from None
    tool = data.get("tool")
    table = tool.get("wxreplay") if isinstance(tool, dict) else None
    if table is None:
        return None
    if not isinstance(table, dict):
        fix = "write [tool.wxreplay] on a line of its own, its keys below it"
        raise _located(pyproject, text, "wxreplay", "[tool.wxreplay] must be a table", fix)
    for key in table:
        if key != SNAPSHOT_COMPACT_KEY and key.startswith("snapshot"):
            guess = did_you_mean(key, [SNAPSHOT_COMPACT_KEY])
            raise _located(
                pyproject,
                text,
                key,
                f"[tool.wxreplay] has no key {key!r}" + (f" (did you mean {guess!r}?)" if guess else ""),
                _COMPACT_FIX,
            )
    if SNAPSHOT_COMPACT_KEY not in table:
        return None
    value = table[SNAPSHOT_COMPACT_KEY]
    if value is False:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _located(
            pyproject,
            text,
            SNAPSHOT_COMPACT_KEY,
            f"[tool.wxreplay] {SNAPSHOT_COMPACT_KEY} must be a whole number of bytes >= 0 "
            f"(0 or false: every value in full), not {_toml(value)}",
            _COMPACT_FIX,
        )
    return value


def _toml(value: Any) -> str:
    """``value`` as TOML writes it (``true``, ``"big"``, ``1.5``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False, default=str) if isinstance(value, str) else repr(value)


def _located(pyproject: Path, text: str, key: str, reason: str, fix: str) -> UsageError:
    """A usage error at ``key`` of the ``[tool.wxreplay]`` table (``file:line:column``, the lines, the fix)."""
    where = _key_position(text, "tool.wxreplay", key)
    if where is None:
        return UsageError(f"{display_path(pyproject)}: {reason}", hint=fix)
    line, column = where
    return UsageError(f"{display_path(pyproject)}:{line}:{column}: {reason}\n{excerpt(text, line, column)}", hint=fix)


def _key_position(text: str, table: str, key: str) -> tuple[int, int] | None:
    """1-based line and column of ``key``'s value in ``[table]`` (or of ``table.key = ...`` / the table's header)."""
    current = ""
    quoted = rf'(?:{re.escape(key)}|"{re.escape(key)}"|\'{re.escape(key)}\')'
    for n, line in enumerate(text.splitlines(), 1):
        header = re.match(r"\s*\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?$", line)
        if header:
            current = re.sub(r"\s*\.\s*", ".", header.group(1)).replace('"', "")
            if current == f"{table}.{key}" or (current == table and key == table.rsplit(".", 1)[-1]):
                return n, line.index("[") + 1
            continue
        prefix = table[len(current) + 1 :] + "." if current and table.startswith(current + ".") else ""
        if current == table or prefix or not current:
            dotted = "" if current == table else re.escape(prefix or table + ".").replace(r"\.", r"\s*\.\s*")
            m = re.match(rf"\s*{dotted}{quoted}\s*=\s*", line)
            if m:
                return n, m.end() + 1
    return None
