"""``wxreplay run``: the same verdicts as ``pytest`` over the same scenarios, from any folder.

One configuration (:func:`wxreplay.config.discover`: pytest's rootdir and inifile, found from the
paths given), the inifile's ``wxreplay_*`` keys under the command-line options, cassettes and
redaction rules from the root, snapshots checked in the files syrupy writes
(:mod:`wxreplay.snapshot.files`, host-call values over ``[tool.wxreplay] snapshot_compact_bytes``
compacted as the plugin compacts them), and pytest's ``-k``, ``-x`` and ``--junitxml``.
"""

from __future__ import annotations

import argparse
import json
import shlex
import socket
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from wxreplay.config import RootConfig, discover
from wxreplay.errors import ProjectError, ScenarioError, UsageError
from wxreplay.keywords import compile_keywords, scenario_keywords
from wxreplay.shard import Shard
from wxreplay.term import add_color_option

if TYPE_CHECKING:  # the engine is imported when a run starts: `wxreplay --help` stays fast
    from wxreplay.cli_progress import RunPrinter
    from wxreplay.runner import RunOptions
    from wxreplay.scenario import DeviceSetup, Scenario
    from wxreplay.transcript import Transcript

__all__ = ["add_record_option", "add_run_arguments", "add_scenario_options", "run_command"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def add_record_option(parser: argparse.ArgumentParser, help_text: str) -> None:
    """``--record MODE``, one of the record modes (``run`` and the single-call commands word its help apart)."""
    parser.add_argument("--record", metavar="MODE", choices=["none", "once", "new_episodes", "all"], help=help_text)


def add_scenario_options(parser: argparse.ArgumentParser) -> None:
    """What says which project, skill, cassettes and files the scenarios use (``run`` and ``prune``)."""
    parser.add_argument("--project", metavar="P", help="project of scenarios that name none")
    parser.add_argument("--skill", help="skill of scenarios that name none, when the project has several")
    parser.add_argument(
        "--cassette-dir",
        metavar="DIR",
        help="where <scenario>.yaml cassettes live when a scenario names none "
        "(default: wxreplay_cassette_dir of the pytest configuration, else <root>/cassettes)",
    )
    parser.add_argument("--suffix", help="scenario file suffix (default: wxreplay_suffix, else .scenario.yaml)")


def add_run_arguments(run: argparse.ArgumentParser) -> None:
    """The options of ``wxreplay run``."""
    run.add_argument("paths", nargs="*", metavar="PATH", help="scenario files or folders (default: scenarios)")
    add_record_option(
        run,
        "record mode of the cassettes: none (replay only, the default), once (record missing cassettes), "
        "new_episodes (record what is new), all (re-record)",
    )
    loud = run.add_mutually_exclusive_group()
    loud.add_argument("-v", "--verbose", action="store_true", help="print each conversation: turns, calls, facts, cards")
    loud.add_argument("-q", "--quiet", action="store_true", help="print only the scenarios that fail and the summary")
    add_color_option(run)
    run.add_argument("--json", metavar="DIR", help="write each transcript as DIR/<scenario>.json (the stable form)")
    run.add_argument(
        "--strict",
        action="store_true",
        default=None,
        help="warnings (bare instructions, outputSchema mismatches, unused cassette entries ...) fail",
    )
    add_scenario_options(run)
    run.add_argument(
        "--device",
        metavar="JSON|@FILE",
        help="device defaults under every scenario's own device: (same keys), "
        'as JSON, e.g. \'{"timezone": "Asia/Shanghai", "seed": 7}\', or @file.yaml',
    )
    run.add_argument("-k", metavar="EXPRESSION", dest="keyword", help="only scenarios matching it, as pytest -k")
    run.add_argument("-x", "--exitfirst", action="store_true", help="stop at the first failure or error, as pytest -x")
    run.add_argument("--junitxml", metavar="FILE", help="write a JUnit XML report, as pytest --junitxml")
    run.add_argument(
        "--shard",
        metavar="K/N",
        help="run shard K of N (a deterministic split over the scenario files, e.g. one CI job per shard)",
    )
    run.add_argument(
        "--snapshot-update",
        action="store_true",
        help="write the snapshots of passing scenarios that are missing or differ (as pytest --snapshot-update)",
    )
    run.add_argument(
        "--snapshot-full",
        action="store_true",
        help="keep every host-call value in full in snapshots, ignoring [tool.wxreplay] snapshot_compact_bytes "
        "(as pytest --wx-snapshot-full; with --snapshot-update: store them so)",
    )


@dataclass
class _Outcome:
    """One scenario's line in the JUnit report."""

    classname: str
    name: str
    seconds: float
    kind: str = "passed"  # passed / failure / error / skipped
    message: str = ""
    text: str = ""


@dataclass
class _Tally:
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    xfailed: int = 0
    errors: int = 0
    deselected: int = 0
    missing_snapshots: list[Path] = field(default_factory=list)
    outcomes: list[_Outcome] = field(default_factory=list)


def _options(ns: argparse.Namespace, config: RootConfig, suffix: str) -> RunOptions:
    """Command-line options over the inifile's ``wxreplay_*`` keys (as the plugin reads them)."""
    from wxreplay.device_setup import parse_device_option
    from wxreplay.runner import RunOptions
    from wxreplay.scenario import parse_device

    device_text = ns.device if ns.device else config.value("device")
    device: DeviceSetup | None
    try:
        if ns.device:  # JSON or @file.yaml, as for wxreplay call / render
            device = parse_device_option(ns.device)
        else:
            device = parse_device(str(device_text), file=str(config.inifile)) if device_text else None
    except ScenarioError as e:
        raise UsageError(str(e)) from None
    record = ns.record or config.value("record")
    project = Path(ns.project).absolute() if ns.project else config.path("project")
    return RunOptions(
        record=str(record) if record else None,
        record_explicit=ns.record is not None,
        project=project,
        skill=ns.skill or config.value("skill"),
        cassette_dir=Path(ns.cassette_dir).absolute() if ns.cassette_dir else config.cassette_dir,
        strict=ns.strict if ns.strict is not None else config.flag("strict"),
        suffix=suffix,
        device=device,
        root=config,
    )


def _keywords(scenario: Scenario, file: Path, config: RootConfig) -> list[str]:
    try:
        folders = file.absolute().parent.relative_to(config.root).parts
    except ValueError:
        folders = ()
    marks = ["scenario", *scenario.marks]
    marks += ["skip"] if scenario.skip is not None else []
    marks += ["xfail"] if scenario.xfail is not None else []
    return scenario_keywords(scenario.name.replace("::", ":"), file.name, folders, marks)


def _classname(file: Path, config: RootConfig) -> str:
    """pytest's JUnit ``classname`` of a non-Python item: its file path from the root, ``/`` as ``.``."""
    try:
        rel = file.absolute().relative_to(config.root).as_posix()
    except ValueError:
        rel = file.name
    return rel.replace("/", ".")


def run_command(ns: argparse.Namespace) -> int:
    """Replay scenarios (default: scenarios/ here): progress, conversations with -v, a summary; exit 1 on failure."""
    from wxreplay.scenario import collect_files
    from wxreplay.scenario.parse import DEFAULT_SUFFIX

    paths = ns.paths or ["scenarios"]
    if not ns.paths and not Path("scenarios").is_dir():
        raise UsageError("no scenarios/ folder here", hint="pass scenario files or folders: wxreplay run path/to/x.scenario.yaml")
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise UsageError(f"no such file or directory: {', '.join(missing)}")
    config = discover(paths)
    suffix = ns.suffix or str(config.value("suffix") or DEFAULT_SUFFIX)
    files = collect_files(paths, suffix)
    if not files:
        raise UsageError(f"no *{suffix} files under {', '.join(paths)}")
    if ns.shard:
        files = _shard(files, Shard.parse(ns.shard), config)
    options = _options(ns, config, suffix)
    selected = compile_keywords(ns.keyword) if ns.keyword else None
    json_dir = Path(ns.json) if ns.json else None
    if json_dir is not None:
        json_dir.mkdir(parents=True, exist_ok=True)
    from wxreplay.config import snapshot_compact_bytes
    from wxreplay.snapshot.compact import DEFAULT_COMPACT_BYTES, compacting

    configured = snapshot_compact_bytes(config.pyproject)
    limit = 0 if ns.snapshot_full else DEFAULT_COMPACT_BYTES if configured is None else configured
    tally = _Tally()
    from wxreplay.cli_progress import RunPrinter

    printer = RunPrinter(len(files), verbose=ns.verbose, quiet=ns.quiet, color=ns.color)
    with compacting(limit):  # what the snapshots keep: the pytest plugin puts the same limit in force
        try:
            for file in files:
                if not _one(file, ns, config, options, selected, json_dir, tally, printer):
                    break
        finally:
            printer.clear()  # an interrupted run leaves no running line behind
    _summary(tally, printer)
    if ns.junitxml:
        _write_junit(Path(ns.junitxml), tally)
    if tally.errors:
        return EXIT_USAGE
    return EXIT_FAILED if tally.failed else EXIT_OK


def _shard(files: list[Path], shard: Shard, config: RootConfig) -> list[Path]:
    """The files of ``shard``, split by their path from the root (the same ids on every machine)."""
    ids = {_relative_id(f, config): f for f in files}
    keep = shard.pick(ids)
    print(f"wxreplay: shard {shard}: {len(keep)} of {len(files)} scenario files", file=sys.stderr, flush=True)
    return [f for i, f in ids.items() if i in keep]


def _relative_id(file: Path, config: RootConfig) -> str:
    try:
        return file.resolve().relative_to(config.root.resolve()).as_posix()
    except ValueError:
        return file.resolve().as_posix()


def _one(
    file: Path,
    ns: argparse.Namespace,
    config: RootConfig,
    options: RunOptions,
    selected: object,
    json_dir: Path | None,
    tally: _Tally,
    printer: RunPrinter,
) -> bool:
    """Run one scenario file and report it; ``False`` when ``-x`` stops the run."""
    from wxreplay.runner import run_scenario
    from wxreplay.scenario import load_scenario
    from wxreplay.snapshot.files import check_scenario_snapshot, scenario_snapshot_file

    suffix = options.suffix
    stem = file.name[: -len(suffix)] if file.name.endswith(suffix) else file.stem
    classname = _classname(file, config)
    started = time.perf_counter()
    printer.start(stem)
    try:
        scenario = load_scenario(file, skill=options.skill)
        if callable(selected) and not selected(_keywords(scenario, file, config)):
            tally.deselected += 1
            return True
        if scenario.skip is not None:
            printer.verdict("SKIP", stem, f"({scenario.skip})")
            tally.skipped += 1
            tally.outcomes.append(_Outcome(classname, scenario.name, 0.0, "skipped", scenario.skip))
            return True
        run = run_scenario(scenario, options)
    except (ScenarioError, ProjectError, UsageError) as e:
        printer.verdict("ERROR", stem)
        print(f"wxreplay: error: {e}", file=sys.stderr, flush=True)
        tally.errors += 1
        tally.outcomes.append(_Outcome(classname, stem, time.perf_counter() - started, "error", str(e).splitlines()[0], str(e)))
        return not ns.exitfirst
    printer.clear()  # what follows may go to stderr: the running line must not stay in front of it
    ms = f"{run.elapsed_ms:.0f} ms"
    if json_dir is not None and not _write_transcript(json_dir / f"{stem}.json", run.transcript):
        tally.errors += 1
    if run.recorded:
        entries = f"{run.recorded} new entr{'y' if run.recorded == 1 else 'ies'}"
        from wxreplay.source import display_path

        shown = display_path(run.cassette) if run.cassette is not None else "the cassette"
        print(f"wxreplay: recorded {entries} into {shown}", file=sys.stderr, flush=True)
    if run.unused:
        print(_unused_warning(run.cassette, run.unused, scenario.file), file=sys.stderr, flush=True)
    report = run.failure.render(verbose=ns.verbose) if run.failure is not None else ""
    failed = run.failure is not None
    if not failed:  # a passing run is compared with its snapshot, as the pytest item does
        snapshot_file = scenario_snapshot_file(file, scenario.name.replace("::", ":"))
        check = check_scenario_snapshot(snapshot_file, run.transcript, update=ns.snapshot_update)
        if check.status == "written":
            print(f"wxreplay: {check.message}", file=sys.stderr, flush=True)
        elif check.failed:
            failed, report = True, check.message
            if check.status == "missing":
                tally.missing_snapshots.append(check.file)
    seconds = time.perf_counter() - started
    name = scenario.name
    # An xfail scenario that failed at its cassette (a miss, a stale outcome, a failed recording)
    # fails: it did not reach the bug it pins (pytest reports it the same way).
    at_cassette = run.failure is not None and run.failed_at_cassette
    expected = scenario.xfail is not None and not at_cassette
    if not failed:
        tally.passed += 1
        printer.verdict("XPASS" if scenario.xfail else "PASS", stem, f"({ms})")
        tally.outcomes.append(_Outcome(classname, name, seconds))
    elif expected:
        tally.xfailed += 1
        printer.verdict("XFAIL", stem, f"({ms}) {scenario.xfail}")
        tally.outcomes.append(_Outcome(classname, name, seconds, "skipped", f"xfail: {scenario.xfail}"))
    else:
        tally.failed += 1
        printer.verdict("FAIL", stem, f"({ms})")
        tally.outcomes.append(_Outcome(classname, name, seconds, "failure", report.splitlines()[0] if report else "", report))
    if ns.verbose:
        print(_indent(run.transcript.to_text(verbose=True)), end="", flush=True)
    if failed and scenario.xfail is not None and at_cassette:
        print(f"  xfail: {scenario.xfail}: but it failed at the cassette, not at the bug it pins", flush=True)
    if failed and not expected:
        print(_indent(report), flush=True)
        return not ns.exitfirst
    return True


def _unused_warning(cassette: Path | None, unused: Sequence[str], file: str) -> str:
    n = len(unused)
    listed = "".join(f"\n  {line}" for line in unused)
    return (
        f"wxreplay: warning: {n} recorded entr{'y' if n == 1 else 'ies'} of {cassette} {'was' if n == 1 else 'were'} "
        f"never used (--strict fails on this):{listed}\n  remove them: wxreplay prune {shlex.quote(file)} --apply"
    )


def _summary(tally: _Tally, printer: RunPrinter) -> None:
    if tally.missing_snapshots:
        from wxreplay.source import display_path

        shown = ", ".join(display_path(p) for p in tally.missing_snapshots)
        print(f"wxreplay: {len(tally.missing_snapshots)} snapshot(s) missing: {shown}", file=sys.stderr)
        print("  write them with: wxreplay run --snapshot-update (or pytest --snapshot-update)", file=sys.stderr)
    counts = ((tally.skipped, "skipped"), (tally.xfailed, "xfailed"), (tally.errors, "errors"), (tally.deselected, "deselected"))
    extra = [f"{n} {what}" for n, what in counts if n]
    printer.summary(tally.passed, tally.failed, extra)


def _write_junit(path: Path, tally: _Tally) -> None:
    """A JUnit XML report in pytest's shape: one ``testsuite``, a ``testcase`` per scenario run."""
    suite = ET.Element(
        "testsuite",
        name="wxreplay",
        errors=str(sum(o.kind == "error" for o in tally.outcomes)),
        failures=str(sum(o.kind == "failure" for o in tally.outcomes)),
        skipped=str(sum(o.kind == "skipped" for o in tally.outcomes)),
        tests=str(len(tally.outcomes)),
        time=f"{sum(o.seconds for o in tally.outcomes):.3f}",
        timestamp=time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime()),
        hostname=socket.gethostname(),
    )
    for o in tally.outcomes:
        case = ET.SubElement(suite, "testcase", classname=o.classname, name=o.name, time=f"{o.seconds:.3f}")
        if o.kind != "passed":
            ET.SubElement(case, o.kind, message=o.message).text = o.text or None
    root = ET.Element("testsuites")
    root.append(suite)
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def _indent(text: str) -> str:
    return "".join("  " + ln if ln.strip() else ln for ln in text.splitlines(keepends=True))


def _write_transcript(path: Path, transcript: Transcript) -> bool:
    """Write the transcript's stable form, redacted like the cassettes; ``False`` (and nothing written)
    while the scanner still finds a secret in it."""
    from wxreplay.cassette.runsecrets import SecretsLeftError, run_secrets

    secrets = run_secrets()
    text = json.dumps(secrets.mask_data(transcript.to_dict()), ensure_ascii=False, sort_keys=False, indent=2) + "\n"
    try:
        secrets.gate(text, str(path), "the transcript")
    except SecretsLeftError as e:
        print(f"wxreplay: error: {e}", file=sys.stderr, flush=True)
        return False
    path.write_text(text, encoding="utf-8")
    return True
