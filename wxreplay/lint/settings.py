"""Lint settings: ``[tool.wxreplay.lint]`` of the project's ``pyproject.toml``, found by :func:`wxreplay.config.discover`.

Keys (all optional)::

    [tool.wxreplay.lint]
    select = ["WXR1", "WXR201"]        # only these rules (ids or id prefixes; V-ids select the rules showing them)
    ignore = ["WXR206"]                # never these
    strict = true                      # warnings fail the run too (as --strict)
    per-file-ignores = { "skills/*/mcp.json" = ["WXR115"] }   # files without comments (JSON)

Command-line ``--select`` / ``--ignore`` replace the configured lists; ``--strict`` turns strict on.
"""

from __future__ import annotations

import fnmatch
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wxreplay.config import discover
from wxreplay.errors import UsageError
from wxreplay.lint.registry import Rule

__all__ = ["LintSettings", "read_settings"]

_KEYS = {"select", "ignore", "strict", "per-file-ignores"}


@dataclass(frozen=True)
class LintSettings:
    """Which rules run, what fails the run, and the per-file ignores."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    strict: bool = False
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    source: str | None = None  # the pyproject.toml they came from

    def enabled(self, rule: Rule) -> bool:
        """Whether ``rule`` runs: selected (or nothing selected) and not ignored."""
        if self.select and not any(_matches(rule, s) for s in self.select):
            return False
        return not any(_matches(rule, s) for s in self.ignore)

    def ignored_in(self, file: str | None, rule_id: str) -> bool:
        """Whether ``per-file-ignores`` silences ``rule_id`` in ``file`` (a root-relative posix path)."""
        if file is None:
            return False
        for pattern, ids in self.per_file_ignores.items():
            if fnmatch.fnmatchcase(file, pattern) and any(i == "ALL" or rule_id.startswith(i) for i in ids):
                return True
        return False


def _matches(rule: Rule, wanted: str) -> bool:
    return rule.id.startswith(wanted) or (rule.vid is not None and rule.vid == wanted)


def normalise_ids(values: Iterable[str], known: Sequence[Rule], what: str) -> tuple[str, ...]:
    """Upper-cased ids from comma-separated ``values``; an id that matches no rule is a :class:`UsageError`."""
    out = []
    for value in values:
        for part in str(value).split(","):
            wanted = part.strip().upper()
            if not wanted:
                continue
            if wanted != "ALL" and not any(_matches(r, wanted) for r in known):
                raise UsageError(f"{what}: {part.strip()!r} matches no lint rule", hint="see `wxreplay lint --list-rules`")
            out.append(wanted)
    return tuple(out)


def read_settings(paths: Sequence[str | Path], known: Sequence[Rule]) -> LintSettings:
    """The ``[tool.wxreplay.lint]`` table of the pyproject.toml that configures ``paths`` (empty when none)."""
    pyproject = discover(paths).pyproject
    if not pyproject.is_file():
        return LintSettings()
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as e:
        raise UsageError(f"{pyproject}: cannot be read: {e}", hint="fix the TOML") from None
    table = data.get("tool", {}).get("wxreplay", {}).get("lint")
    if table is None:
        return LintSettings(source=str(pyproject))
    where = f"{pyproject} [tool.wxreplay.lint]"
    if not isinstance(table, dict):
        raise UsageError(f"{where} must be a table", hint="write [tool.wxreplay.lint] with select/ignore/strict keys")
    unknown = set(table) - _KEYS
    if unknown:
        raise UsageError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}", hint=f"known keys: {', '.join(sorted(_KEYS))}")
    per_file: dict[str, tuple[str, ...]] = {}
    raw_per_file: Any = table.get("per-file-ignores", {})
    if not isinstance(raw_per_file, dict):
        raise UsageError(
            f"{where}: per-file-ignores must be a table of glob = [ids]",
            hint='per-file-ignores = { "skills/*/mcp.json" = ["WXR115"] }',
        )
    for pattern, ids in raw_per_file.items():
        per_file[pattern] = normalise_ids(_strings(ids, f"{where} per-file-ignores {pattern!r}"), known, where)
    strict = table.get("strict", False)
    if not isinstance(strict, bool):
        raise UsageError(f"{where}: strict must be true or false", hint="strict = true")
    return LintSettings(
        select=normalise_ids(_strings(table.get("select", []), f"{where} select"), known, f"{where} select"),
        ignore=normalise_ids(_strings(table.get("ignore", []), f"{where} ignore"), known, f"{where} ignore"),
        strict=strict,
        per_file_ignores=per_file,
        source=str(pyproject),
    )


def _strings(value: Any, where: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise UsageError(f"{where} must be a list of rule ids", hint='e.g. ["WXR206", "WXR4"]')
