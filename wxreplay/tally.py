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

This module is the command (``wxreplay tally`` and ``python -m wxreplay.tally``); finding and
running the packages is :mod:`wxreplay.tally_run`, the records and the report
:mod:`wxreplay.tally_report`. It imports the engine only when it runs, so building the CLI's parser
stays cheap. More in docs/tally.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

__all__ = ["DEFAULT_PATHS", "add_arguments", "build_parser", "main", "run_command"]

#: Where packages are looked for when no path is given (those that exist).
DEFAULT_PATHS = ("tests/skills", "examples")


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The tally's options, on ``wxreplay tally`` and on ``python -m wxreplay.tally`` alike."""
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


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``python -m wxreplay.tally`` and ``bench/tally_packages.py``."""
    p = argparse.ArgumentParser(
        prog="python -m wxreplay.tally",
        description="Run every API (arguments from its inputSchema, no network) and render every bound card "
        "(from an empty result) of every skill package under PATH, and print the tally.",
    )
    add_arguments(p)
    return p


def run_command(ns: argparse.Namespace, *, default_paths: Sequence[str | Path] | None = None, base: Path | None = None) -> int:
    """Print the tally of the packages under ``ns.paths`` (none: ``default_paths``, else :data:`DEFAULT_PATHS`);
    package paths are shown relative to ``base`` (default: the working directory). Returns 0, 1 when wxreplay
    itself failed (a harness error), 2 for bad usage. Everything printed goes through the run's secret masking."""
    from wxreplay.cassette.runsecrets import run_secrets
    from wxreplay.config import discover
    from wxreplay.errors import UsageError
    from wxreplay.runner import redaction_rules
    from wxreplay.session import SessionLimits
    from wxreplay.tally_report import render_report, report_data
    from wxreplay.tally_run import tally_paths

    def write(stream: TextIO, text: str) -> None:
        stream.write(run_secrets().mask_text(text))
        stream.flush()

    defaults = [p for p in (default_paths if default_paths is not None else DEFAULT_PATHS) if Path(p).is_dir()]
    paths = list(ns.paths) or defaults
    if not paths:
        write(sys.stderr, f"wxreplay tally: error: no PATH given and none of {', '.join(map(str, DEFAULT_PATHS))} here\n")
        return 2
    try:
        run_secrets().reset(redaction_rules(discover([str(p) for p in paths])))
        limits = SessionLimits(wall_timeout_s=ns.wall_timeout)
        packages = list(tally_paths(paths, limits=limits, cards=not ns.no_cards, base=base))
    except UsageError as e:
        write(sys.stderr, f"wxreplay tally: error: {e}\n")
        return 2
    if ns.json:
        write(sys.stdout, json.dumps(report_data(packages), ensure_ascii=False, indent=2) + "\n")
    else:
        write(sys.stdout, render_report(packages, verbose=ns.verbose))
    return 1 if any(p.counts().harness for p in packages) else 0


def main(
    argv: Sequence[str] | None = None, *, default_paths: Sequence[str | Path] | None = None, base: Path | None = None
) -> int:
    """``python -m wxreplay.tally``: parse ``argv`` and :func:`run_command`."""
    return run_command(build_parser().parse_args(argv), default_paths=default_paths, base=base)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
