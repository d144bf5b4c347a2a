"""The whole-package tally: run every API and render every bound card of skill packages, and count what happened.

``python -m wxreplay.tally [PATH...]`` (or ``python bench/tally_packages.py``) finds the skill
packages under each PATH (default: ``tests/skills`` and ``examples`` here), loads each one (a
project with ``app.json``, a skill directory, and skill directories its ``app.json`` does not
list), and for every skill:

- calls every API of ``mcp.json`` once, in a fresh :class:`~wxreplay.session.Session` on a default
  :class:`~wxreplay.host.device.Device`, with arguments made from its ``inputSchema``
  (:mod:`wxreplay.tally_args`) and **no network**: a ``wx.request`` is refused before anything is
  sent, and the API counts as *needs recording*;
- renders every bound card (``_meta.ui.componentPath``), in a fresh session too, from an empty
  result (``{"content": [], "structuredContent": {}}``) with the same arguments.

Every item ends in exactly one outcome:

==================  ====================================================================================
``ran``             the API returned a result (``isError`` results included, also counted as ``isError``);
                    the card rendered
``needs-recording`` it made a ``wx.request``: replaying it needs a cassette (``wxreplay call ... --cassette``)
``needs-device``    it failed where the default device scripts nothing (a ``wx.cloud`` function or AI
                    model): it needs a device description (``Device(cloud=CloudState(...))``)
``failed``          **the skill's own failure**: a JS exception in skill or card code, a result the platform
                    rejects, a WXML / WXSS error, a timeout or the memory limit, an API declared but not
                    registered; also every item of a skill that does not load
``skipped``         no arguments valid for the ``inputSchema`` could be made (an exotic ``pattern``)
``harness``         a Python exception escaped wxreplay (a traceback), or the runtime's bridge broke with no
                    replaced built-in to blame: wxreplay's bug, never the skill's
==================  ====================================================================================

A package that does not load (a broken ``app.json`` or ``mcp.json``) is counted as *load failed*
with wxreplay's error; only a Python exception from the loader is a harness error. The report is
deterministic (no timings, packages and skills in a fixed order) and every text in it goes through
the run's secret masking. The exit status is 1 when any harness error occurred, 2 for a usage error.

This module is the command and its report; finding and running the packages is
:mod:`wxreplay.tally_run`. More in docs/tally.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from wxreplay.cassette.runsecrets import run_secrets
from wxreplay.errors import UsageError
from wxreplay.session import SessionLimits
from wxreplay.tally_run import (
    EMPTY_RESULT,
    OUTCOMES,
    Counts,
    Item,
    PackageTally,
    SkillTally,
    discover_packages,
    tally_package,
    tally_paths,
)

__all__ = [
    "DEFAULT_PATHS",
    "EMPTY_RESULT",
    "OUTCOMES",
    "Counts",
    "Item",
    "PackageTally",
    "SkillTally",
    "discover_packages",
    "main",
    "render_report",
    "tally_package",
    "tally_paths",
]

#: Where packages are looked for when no path is given (those that exist).
DEFAULT_PATHS = ("tests/skills", "examples")


# ---- the report ---------------------------------------------------------------------------------

_COLUMNS = ("kind", "total", "ran", "isError", "needs-rec", "needs-dev", "failed", "skipped", "harness")


def _rows(label: str, loaded: str, c: Counts, *, cards: bool) -> list[list[str]]:
    api = [str(x) for x in (c.total("api"), c.get("api", "ran"), c.is_error)]
    api += [str(c.get("api", o)) for o in OUTCOMES[1:-1]] + [str(c.get("api", "harness") + c.load_harness)]
    card = [str(c.total("card")), str(c.get("card", "ran")), "-"] + [str(c.get("card", o)) for o in OUTCOMES[1:]]
    if not cards:
        card = ["not run"] + [""] * (len(card) - 1)
    return [[label, loaded, "apis", *api], ["", "", "cards", *card]]


def _table(rows: list[list[str]]) -> str:
    header = ["package", "loaded", *_COLUMNS]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = []
    for r in [header, *rows]:
        cells = [r[0].ljust(widths[0]), r[1].ljust(widths[1]), r[2].ljust(widths[2])]
        cells += [cell.rjust(w) for cell, w in zip(r[3:], widths[3:], strict=True)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def _loaded(package: PackageTally, c: Counts) -> str:
    if package.harness_error is not None:
        return "crashed"
    if package.load_error is not None:
        return "failed"
    return f"{c.loaded}/{c.skills}"


def render_report(packages: Sequence[PackageTally], *, verbose: bool = False) -> str:
    """The table (two rows per package: APIs and cards, then the total) and the details of every item that did not
    simply run (``verbose``: every item)."""
    total = Counts()
    rows: list[list[str]] = []
    for package in packages:
        c = package.counts()
        total.add(c)
        rows += _rows(package.path, _loaded(package, c), c, cards=package.cards_run)
    cards = any(p.cards_run for p in packages) or not packages
    rows += _rows(
        f"TOTAL ({len(packages)} package{'' if len(packages) == 1 else 's'})",
        f"{total.loaded}/{total.skills}",
        total,
        cards=cards,
    )
    out = [_table(rows)]
    details: list[str] = []
    for package in packages:
        lines: list[str] = []
        if package.load_error is not None:
            lines.append(f"  {package.load_error}")
        if package.harness_error is not None:
            lines.append("  harness error while loading:")
            lines += [f"    {line}" for line in package.harness_error.splitlines()]
        for skill in package.skills:
            if skill.load_error is not None:
                lines.append(f"  skill {skill.name}: {skill.load_error}")
            elif not skill.listed and package.counts().skills > 0 and any(s.listed for s in package.skills):
                lines.append(f"  skill {skill.name}: not listed in app.json, run as a skill directory")
            for item in skill.items:
                if item.outcome == "ran" and not item.detail and not verbose:
                    continue
                what = "ran (isError)" if item.is_error else item.outcome
                head = f"  {skill.name} {item.kind} {item.name}: {what}"
                if item.outcome == "harness":
                    lines.append(head)
                    lines += [f"    {line}" for line in item.detail.splitlines()]
                else:
                    lines.append(f"{head}{': ' + item.detail if item.detail else ''}")
        if lines:
            details.append(package.path)
            details += lines
    if details:
        out += ["", *details]
    verdict = (
        f"{total.harness} harness error(s): wxreplay itself failed (see the tracebacks above)"
        if total.harness
        else "no harness error"
    )
    out += ["", verdict]
    return "\n".join(out) + "\n"


# ---- the command --------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """The options of ``python -m wxreplay.tally`` and ``bench/tally_packages.py``."""
    p = argparse.ArgumentParser(
        prog="python -m wxreplay.tally",
        description="Run every API (arguments from its inputSchema, no network) and render every bound card "
        "(from an empty result) of every skill package under PATH, and print the tally.",
    )
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help=f"package folders or folders holding packages (default: {', '.join(DEFAULT_PATHS)})",
    )
    p.add_argument("--no-cards", action="store_true", help="call the APIs only (faster)")
    p.add_argument("--json", action="store_true", help="print the tally as JSON instead of the table")
    p.add_argument("-v", "--verbose", action="store_true", help="list every item, also those that simply ran")
    p.add_argument("--wall-timeout", type=float, default=5.0, help="real seconds one step may run (default 5)")
    return p


def main(
    argv: Sequence[str] | None = None, *, default_paths: Sequence[str | Path] | None = None, base: Path | None = None
) -> int:
    """Print the tally of the packages under ``argv``'s paths (none: ``default_paths``, else :data:`DEFAULT_PATHS`);
    package paths are shown relative to ``base`` (default: the working directory). Returns 0, 1 when wxreplay
    itself failed (a harness error), 2 for bad usage."""
    ns = build_parser().parse_args(argv)
    defaults = [p for p in (default_paths if default_paths is not None else DEFAULT_PATHS) if Path(p).is_dir()]
    paths = list(ns.paths) or defaults
    write = _masked_writer()
    if not paths:
        write(sys.stderr, f"wxreplay tally: error: no PATH given and none of {', '.join(map(str, DEFAULT_PATHS))} here\n")
        return 2
    from wxreplay.config import discover
    from wxreplay.runner import redaction_rules

    try:
        run_secrets().reset(redaction_rules(discover([str(p) for p in paths])))
        limits = SessionLimits(wall_timeout_s=ns.wall_timeout)
        packages = list(tally_paths(paths, limits=limits, cards=not ns.no_cards, base=base))
    except UsageError as e:
        write(sys.stderr, f"wxreplay tally: error: {e}\n")
        return 2
    if ns.json:
        total = Counts()
        for package in packages:
            total.add(package.counts())
        doc = {"packages": [p.to_dict() for p in packages], "total": total.to_dict()}
        write(sys.stdout, json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    else:
        write(sys.stdout, render_report(packages, verbose=ns.verbose))
    return 1 if any(p.counts().harness for p in packages) else 0


def _masked_writer() -> Any:
    """A ``write(stream, text)`` that masks the run's secrets (and secret shapes) in all it prints."""

    def write(stream: Any, text: str) -> None:
        stream.write(run_secrets().mask_text(text))
        stream.flush()

    return write


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
