"""``wxreplay report`` and ``wxreplay coverage``: replay scenarios, then write the HTML report or the coverage table.

Both replay the scenarios as ``wxreplay run`` does (same configuration, options, cassettes and
snapshot check; :func:`wxreplay.report_run.replay_files`), in replay only: record mode ``none``
whatever a scenario or the ini file says, so a report never touches the network or a cassette.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from wxreplay.errors import UsageError

if TYPE_CHECKING:  # the engine loads when a command runs: `wxreplay --help` stays fast
    from wxreplay.report_run import ScenarioEntry
    from wxreplay.scenario import Scenario

__all__ = ["add_coverage_arguments", "add_report_arguments", "coverage_command", "report_command"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _paths_and_options(parser: argparse.ArgumentParser) -> None:
    from wxreplay.cli_run import add_scenario_options

    parser.add_argument("paths", nargs="*", metavar="PATH", help="scenario files or folders (default: scenarios)")
    add_scenario_options(parser)
    parser.add_argument("-k", metavar="EXPRESSION", dest="keyword", help="only scenarios matching it, as pytest -k")
    parser.add_argument(
        "--device", metavar="JSON|@FILE", help="device defaults under every scenario's own device: (as for wxreplay run)"
    )


def add_report_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``wxreplay report``."""
    _paths_and_options(parser)
    parser.add_argument("-o", "--output", metavar="FILE", default="report.html", help="the HTML file (default: report.html)")
    parser.add_argument("--title", default="wxreplay report", help="the page title")


def add_coverage_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``wxreplay coverage``."""
    _paths_and_options(parser)
    parser.add_argument(
        "--fail-under", metavar="PERCENT", type=float, help="exit 1 when the overall coverage is under PERCENT (0-100)"
    )
    parser.add_argument("--json", action="store_true", help="print the coverage as JSON")


def _replay(ns: argparse.Namespace, *, quiet: bool) -> list[ScenarioEntry]:
    """Replay the scenarios ``ns`` names; one progress line per scenario on stderr unless ``quiet``."""
    from wxreplay.cli_run import _keywords, _options
    from wxreplay.config import discover
    from wxreplay.keywords import compile_keywords
    from wxreplay.report_run import replay_files
    from wxreplay.scenario import collect_files
    from wxreplay.scenario.parse import DEFAULT_SUFFIX

    paths = ns.paths or ["scenarios"]
    if not ns.paths and not Path("scenarios").is_dir():
        raise UsageError(
            "no scenarios/ folder here", hint=f"pass scenario files or folders: wxreplay {ns.command} path/to/scenarios"
        )
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise UsageError(f"no such file or directory: {', '.join(missing)}", hint="pass scenario files or folders")
    config = discover(paths)
    suffix = ns.suffix or str(config.value("suffix") or DEFAULT_SUFFIX)
    files = collect_files(paths, suffix)
    if not files:
        raise UsageError(f"no *{suffix} files under {', '.join(paths)}")
    ns.record, ns.strict = "none", None  # replay only: a report never records
    options = _options(ns, config, suffix)
    matches = compile_keywords(ns.keyword) if ns.keyword else None

    def selected(scenario: Scenario, file: Path) -> bool:
        return matches is None or bool(matches(_keywords(scenario, file, config)))

    def progress(entry: ScenarioEntry) -> None:
        if not quiet:
            print(f"{entry.status.upper()} {entry.file} :: {entry.name}", file=sys.stderr, flush=True)

    from wxreplay.config import snapshot_compact_bytes
    from wxreplay.snapshot.compact import DEFAULT_COMPACT_BYTES, compacting

    configured = snapshot_compact_bytes(config.pyproject)
    with compacting(DEFAULT_COMPACT_BYTES if configured is None else configured):  # as wxreplay run compares snapshots
        return replay_files(files, options, selected=selected, progress=progress)


def report_command(ns: argparse.Namespace) -> int:
    """Replay scenarios and write the HTML report; exit 1 when a scenario failed (as ``wxreplay run``)."""
    from wxreplay.report_html import render_report

    entries = _replay(ns, quiet=False)
    out = Path(ns.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_report(entries, title=ns.title), encoding="utf-8")
    failed = sum(e.status in ("failed", "error") for e in entries)
    passed = sum(e.status == "passed" for e in entries)
    print(f"wxreplay: wrote {out} ({len(entries)} scenarios: {passed} passed, {failed} failed)", file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK


def coverage_command(ns: argparse.Namespace) -> int:
    """Replay scenarios and print their coverage per skill; exit 1 under ``--fail-under``."""
    from wxreplay.coverage import compute, coverage_json, coverage_table

    if ns.fail_under is not None and not 0 <= ns.fail_under <= 100:
        raise UsageError(f"--fail-under must be a percent from 0 to 100, not {ns.fail_under:g}")
    cov = compute(_replay(ns, quiet=True))
    if ns.json:
        print(json.dumps(coverage_json(cov), ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(coverage_table(cov))
    if ns.fail_under is not None and cov.percent < ns.fail_under:
        print(f"wxreplay: coverage {cov.percent:.1f}% is under --fail-under {ns.fail_under:g}%", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK
