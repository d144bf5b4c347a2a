"""The ``wxreplay`` command line: thin glue over the engine, no logic of its own."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.util
import json
import shlex
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wxreplay.errors import ArgumentsError, ProjectError, UnknownApiError, UsageError, WxReplayError

if TYPE_CHECKING:
    import httpx

    from wxreplay.cassette.recorder import Cassette

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _json_arg(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise UsageError(
            f"{what} is not valid JSON: {e.msg} at column {e.colno}: {text!r}",
            hint='quote the JSON for your shell, e.g. --args \'{"keyword": "拿铁"}\'',
        ) from None


def load_wsgi_app(spec: str) -> Callable[..., Any]:
    """Load ``path/to/file.py:factory`` or ``package.module:factory`` and call the factory."""
    target, _, attr = spec.partition(":")
    attr = attr or "create_app"
    if target.endswith(".py") or "/" in target:
        path = Path(target)
        if not path.is_file():
            raise UsageError(f"--app: no such file {target}", hint="give path/to/app.py:factory")
        mod_spec = importlib.util.spec_from_file_location(f"wxreplay_app_{path.stem}", path)
        if mod_spec is None or mod_spec.loader is None:
            raise WxReplayError(f"--app: cannot import {target}")
        module = importlib.util.module_from_spec(mod_spec)
        mod_spec.loader.exec_module(module)
    else:
        module = importlib.import_module(target)
    factory = getattr(module, attr, None)
    if not callable(factory):
        raise UsageError(f"--app: {target} has no callable {attr!r}", hint="name the WSGI app factory after ':'")
    app: Callable[..., Any] = factory()
    return app


def _wx_request_plumbing(ns: argparse.Namespace) -> tuple[httpx.BaseTransport | None, Cassette | None]:
    """``(transport, cassette)`` for the session: --app, --cassette and --record.

    ``transport`` is the --app (None: the network); with a cassette it is what the cassette
    records through.
    """
    import httpx

    real = httpx.WSGITransport(app=load_wsgi_app(ns.app)) if ns.app else None
    if ns.cassette is None:
        if ns.record is not None:
            raise UsageError("--record needs --cassette FILE", hint=f"add --cassette cassettes/{ns.command}-{ns.api}.yaml")
        return real, None
    from wxreplay.cassette import Cassette, resolve_mode
    from wxreplay.cassette.redact import rules_from_pyproject

    mode = resolve_mode(ns.record, explicit=ns.record is not None)
    cassette = Cassette.open(ns.cassette, mode, rules=rules_from_pyproject(Path("pyproject.toml")))
    argv, skip = [], False
    for a in ns.argv:  # the same command, with the record mode a miss needs
        if skip or a == "--record" or a.startswith("--record="):
            skip = a == "--record"
            continue
        argv.append(a)
    cassette.record_hint = f"record it (with the service running): {shlex.join(['wxreplay', *argv])} --record {{mode}}"
    return real, cassette


def _save(cassette: Cassette | None) -> None:
    if cassette is not None:
        n = len(cassette.new_entries)
        if cassette.settle(passed=True):  # reached only when the command got through without an error
            print(f"wxreplay: recorded {n} new entr{'y' if n == 1 else 'ies'} into {cassette.path}", file=sys.stderr)


@contextlib.contextmanager
def _session(ns: argparse.Namespace) -> Iterator[Any]:
    """The session ``call`` and ``render`` share: project, device, transport, cassette, limits.

    The cassette is saved only when the command got through without an error.
    """
    from wxreplay.host.device import Device
    from wxreplay.project import Project
    from wxreplay.session import Session, SessionLimits

    storage = _json_arg(ns.storage, "--storage") if ns.storage is not None else {}
    if not isinstance(storage, dict):
        raise UsageError("--storage must be a JSON object of key -> value", hint='e.g. --storage \'{"westore:token": "t"}\'')
    project = Project.load(ns.project)
    transport, cassette = _wx_request_plumbing(ns)
    device = Device(storage=storage, payments=list(ns.payment or []))
    if cassette is not None:
        given = " ".join(f"--payment {p}" for p in ns.payment or []) or "no --payment (every payment succeeds)"
        cassette.script_line = lambda name: (
            f"the command line: {given}"
            if name == "requestPayment"
            else "the default device (the command scripts no other host API)"
        )
    with Session(
        project,
        ns.skill,
        device=device,
        transport=transport,
        cassette=cassette,
        limits=SessionLimits(wall_timeout_s=ns.wall_timeout),
    ) as session:
        _report(findings=session.findings)
        yield session
    _save(cassette)


def _report(*, logs: Any = (), findings: Any = ()) -> None:
    """Console output and findings go to stderr, so stdout stays the command's result."""
    for line in logs:
        print(f"console.{line.level}: {line.text}", file=sys.stderr)
    for f in findings:
        print(f"wxreplay: {f}", file=sys.stderr)


def cmd_call(ns: argparse.Namespace) -> int:
    """Call one atomic API of a skill and print its result as JSON (the offline DevTools execute)."""
    args = _json_arg(ns.args, "--args") if ns.args is not None else {}
    code = EXIT_OK
    with _session(ns) as session:
        result = session.call(ns.api, args)
        _report(logs=result.logs)
        if ns.verbose:
            for ev in result.host_events:
                args_text, outcome_text = json.dumps(ev.args, ensure_ascii=False), json.dumps(ev.outcome, ensure_ascii=False)
                print(f"wx.{ev.name} {args_text} -> {outcome_text}", file=sys.stderr)
        _report(findings=result.findings)
        out = result.to_dict()
        out.pop("findings", None)
        if ns.show_storage:
            out["storage"] = session.device.get_storage()
        print(json.dumps(out, ensure_ascii=False, indent=2))
        if result.is_error:
            print(f"wxreplay: {ns.api} returned isError: {result.text}", file=sys.stderr)
            code = EXIT_FAILED
    return code


def cmd_render(ns: argparse.Namespace) -> int:
    """Call an API (or take a given result) and print its card (the offline DevTools render)."""
    from wxreplay.result import CallResult, check_result, handoff_of

    args = _json_arg(ns.args, "--args") if ns.args is not None else {}
    with _session(ns) as session:
        if ns.result is not None:
            raw = _json_arg(ns.result, "--result")
            decl = session.skill.api(ns.api)
            raw, found = check_result(decl, raw, mcp_file=None)
            result = CallResult(
                api=ns.api,
                arguments=args,
                raw=raw,
                is_error=bool(raw.get("isError", False)),
                content=raw["content"],
                structured_content=raw.get("structuredContent"),
                meta=raw.get("_meta"),
                handoff=handoff_of(decl, raw),
                api_calls=list(raw.get("apiCalls") or []),
                session_id=session.session_id,
                virtual_ms=0,
                findings=found,
            )
        else:
            result = session.call(ns.api, args)
        _report(logs=result.logs, findings=result.findings)
        seen = len(session.logs)
        card = session.render(result)
        _report(logs=session.logs[seen:], findings=card.findings)
        if ns.html:
            Path(ns.html).write_text(card.html(dark=ns.dark), encoding="utf-8")
            print(f"wxreplay: wrote {ns.html}", file=sys.stderr)
        if ns.png:
            card.png(ns.png, dark=ns.dark)
            print(f"wxreplay: wrote {ns.png}", file=sys.stderr)
        if ns.yaml:
            import yaml

            print(yaml.safe_dump(card.to_data(), allow_unicode=True, sort_keys=False, width=1000), end="")
        elif ns.tree or not (ns.html or ns.png):
            print(card.to_text())
    return EXIT_OK


def _session_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--skill", help="skill name when the project has several")
    p.add_argument("--storage", help="initial device storage as a JSON object")
    p.add_argument(
        "--payment",
        action="append",
        choices=["success", "cancel", "fail"],
        help="outcome of the next wx.requestPayment (repeatable; default success)",
    )
    p.add_argument("--app", help="serve wx.request from an in-process WSGI app: path/to/app.py:factory")
    p.add_argument("--wall-timeout", type=float, default=5.0, help="real seconds one step may run (default 5)")
    p.add_argument("--cassette", metavar="FILE", help="replay wx.request and host calls from this cassette (YAML)")
    p.add_argument(
        "--record",
        metavar="MODE",
        choices=["none", "once", "new_episodes", "all"],
        help="record mode for --cassette: none (replay only, the default), once (record a missing cassette), "
        "new_episodes (record what is new), all (re-record)",
    )


def cmd_describe(ns: argparse.Namespace) -> int:
    """Print what wxreplay sees in a project: skills, APIs, cards and their bindings."""
    from wxreplay.project import Project

    print(json.dumps(Project.load(ns.project).describe(), ensure_ascii=False, indent=2))
    return EXIT_OK


def cmd_scan(ns: argparse.Namespace) -> int:
    """Scan cassettes and snapshots for secrets; print ``file:line:column: kind: excerpt`` per hit (a pre-commit hook)."""
    from wxreplay.cassette.redact import rules_from_pyproject
    from wxreplay.cassette.scan import scan_path

    rules = rules_from_pyproject(Path("pyproject.toml"))  # honour [tool.wxreplay.redact] ignore_fields / extra_fields
    missing = [p for p in ns.paths if not Path(p).exists()]
    for p in missing:
        print(f"wxreplay: error: no such file or directory: {p}", file=sys.stderr)
    hits = [h for p in ns.paths if p not in missing for h in scan_path(p, rules=rules)]
    for h in hits:
        print(h)
    if hits:
        print(
            f"wxreplay: {len(hits)} possible secret(s) found: re-record with redaction, or opt a field out with "
            "ignore_fields in [tool.wxreplay.redact]",
            file=sys.stderr,
        )
    if missing:
        return EXIT_USAGE
    return EXIT_FAILED if hits else EXIT_OK


def cmd_run(ns: argparse.Namespace) -> int:
    """Replay scenarios (default: scenarios/ here): progress, conversations with -v, a summary; exit 1 on failure."""
    from wxreplay.errors import ScenarioError
    from wxreplay.runner import RunOptions, run_scenario
    from wxreplay.scenario import collect_files, load_scenario, parse_device

    paths = ns.paths or ["scenarios"]
    if not ns.paths and not Path("scenarios").is_dir():
        raise UsageError("no scenarios/ folder here", hint="pass scenario files or folders: wxreplay run path/to/x.scenario.yaml")
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise UsageError(f"no such file or directory: {', '.join(missing)}")
    files = collect_files(paths, ns.suffix)
    if not files:
        raise UsageError(f"no *{ns.suffix} files under {', '.join(paths)}")
    try:
        device = parse_device(ns.device, file="--device") if ns.device else None
    except ScenarioError as e:
        raise UsageError(str(e)) from None
    options = RunOptions(
        record=ns.record,
        record_explicit=ns.record is not None,
        project=Path(ns.project) if ns.project else None,
        skill=ns.skill,
        cassette_dir=Path(ns.cassette_dir),
        strict=ns.strict,
        suffix=ns.suffix,
        device=device,
    )
    json_dir = Path(ns.json) if ns.json else None
    if json_dir is not None:
        json_dir.mkdir(parents=True, exist_ok=True)
    passed = failed = skipped = xfailed = errors = 0
    for file in files:
        stem = file.name[: -len(ns.suffix)] if file.name.endswith(ns.suffix) else file.stem
        try:
            scenario = load_scenario(file, skill=ns.skill)
            if scenario.skip is not None:
                print(f"SKIP {stem} ({scenario.skip})", flush=True)
                skipped += 1
                continue
            run = run_scenario(scenario, options)
        except (ScenarioError, ProjectError, UsageError) as e:
            print(f"ERROR {stem}", flush=True)
            print(f"wxreplay: error: {e}", file=sys.stderr, flush=True)
            errors += 1
            continue
        ms = f"{run.elapsed_ms:.0f} ms"
        if json_dir is not None:
            (json_dir / f"{stem}.json").write_text(run.transcript.to_json(), encoding="utf-8")
        if run.recorded:
            print(
                f"wxreplay: recorded {run.recorded} new entr{'y' if run.recorded == 1 else 'ies'} into {run.cassette}",
                file=sys.stderr,
                flush=True,
            )
        if run.unused:
            print(_unused_warning(run.cassette, run.unused, scenario.file), file=sys.stderr, flush=True)
        if run.failure is None:
            passed += 1
            print(f"{'XPASS' if scenario.xfail else 'PASS'} {stem} ({ms})", flush=True)
        elif scenario.xfail is not None and not run.failed_at_cassette:
            xfailed += 1
            print(f"XFAIL {stem} ({ms}) {scenario.xfail}", flush=True)
        else:
            failed += 1
            print(f"FAIL {stem} ({ms})", flush=True)
        if ns.verbose:
            print(_indent(run.transcript.to_text(verbose=True)), end="", flush=True)
        if run.failure is not None and scenario.xfail is not None and run.failed_at_cassette:
            print(f"  xfail: {scenario.xfail}: but it failed at the cassette, not at the bug it pins", flush=True)
        if run.failure is not None and (scenario.xfail is None or run.failed_at_cassette):
            print(_indent(run.failure.render(verbose=ns.verbose)), flush=True)
    extra = [f"{n} {what}" for n, what in ((skipped, "skipped"), (xfailed, "xfailed"), (errors, "errors")) if n]
    print(", ".join([f"{passed} passed", f"{failed} failed", *extra]))
    if errors:
        return EXIT_USAGE
    return EXIT_FAILED if failed else EXIT_OK


def cmd_prune(ns: argparse.Namespace) -> int:
    """Remove cassette entries no scenario uses and cassettes no scenario names (a dry run unless --apply)."""
    from wxreplay.prune import plan_prune
    from wxreplay.runner import RunOptions
    from wxreplay.scenario import collect_files

    paths = ns.paths or ["scenarios"]
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise UsageError(f"no such file or directory: {', '.join(missing)}", hint="pass scenario files or folders")
    files = collect_files(paths, ns.suffix)
    if not files:
        raise UsageError(f"no *{ns.suffix} files under {', '.join(paths)}")
    options = RunOptions(
        project=Path(ns.project) if ns.project else None,
        skill=ns.skill,
        cassette_dir=Path(ns.cassette_dir),
        suffix=ns.suffix,
    )
    plan = plan_prune(files, options, [Path(ns.cassette_dir)])
    verb = "removing" if ns.apply else "would remove"
    for path, lines in plan.lines.items():
        print(f"{path}: {verb} {len(lines)} unused entr{'y' if len(lines) == 1 else 'ies'}")
        for line in lines:
            print(f"  {line}")
    for path in plan.orphans:
        print(f"{path}: {'deleting' if ns.apply else 'would delete'} (an orphan: no scenario under {', '.join(paths)} names it)")
    for path, why in plan.skipped.items():
        print(f"{path}: left alone: {why}", file=sys.stderr)
    if plan.empty:
        print("nothing to prune")
    elif ns.apply:
        entries, cassettes = plan.apply()
        print(f"pruned {entries} entr{'y' if entries == 1 else 'ies'} and {cassettes} cassette{'' if cassettes == 1 else 's'}")
    else:
        print("dry run: nothing was changed; re-run with --apply to remove these (only re-recording brings them back)")
    return EXIT_OK


def _unused_warning(cassette: Path | None, unused: Sequence[str], file: str) -> str:
    n = len(unused)
    listed = "".join(f"\n  {line}" for line in unused)
    return (
        f"wxreplay: warning: {n} recorded entr{'y' if n == 1 else 'ies'} of {cassette} {'was' if n == 1 else 'were'} "
        f"never used (--strict fails on this):{listed}\n  remove them: wxreplay prune {shlex.quote(file)} --apply"
    )


def _indent(text: str) -> str:
    return "".join("  " + ln if ln.strip() else ln for ln in text.splitlines(keepends=True))


def cmd_schema(ns: argparse.Namespace) -> int:
    """Print the JSON Schema of *.scenario.yaml files (for editors: autocomplete and hover help)."""
    from wxreplay.scenario import schema_text

    sys.stdout.write(schema_text())
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wxreplay", description="Offline, deterministic tests for WeChat Mini Program AI skills."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    call = sub.add_parser("call", help="call one atomic API and print its result as JSON", description=cmd_call.__doc__)
    call.add_argument("project", help="project root (with app.json) or a skill directory")
    call.add_argument("api", help="API name as declared in mcp.json")
    call.add_argument("--args", help="arguments as a JSON object (default {})")
    _session_options(call)
    call.add_argument("--show-storage", action="store_true", help="include the device storage after the call")
    call.add_argument("-v", "--verbose", action="store_true", help="print every wx host call on stderr")
    call.set_defaults(func=cmd_call)

    render = sub.add_parser("render", help="render an API's card and print its tree", description=cmd_render.__doc__)
    render.add_argument("project", help="project root (with app.json) or a skill directory")
    render.add_argument("api", help="API name as declared in mcp.json; its _meta.ui.componentPath is rendered")
    given = render.add_mutually_exclusive_group()
    given.add_argument("--args", help="call the API with these arguments (a JSON object; default {})")
    given.add_argument("--result", help="render this result (JSON, as the API would return it) without calling the API")
    _session_options(render)
    shown = render.add_mutually_exclusive_group()
    shown.add_argument("--tree", action="store_true", help="print the compact card tree (the default)")
    shown.add_argument("--yaml", action="store_true", help="print the card as YAML")
    render.add_argument("--html", metavar="FILE", help="write the card as a standalone HTML page")
    render.add_argument("--png", metavar="FILE", help="write a screenshot of the card (needs Chromium)")
    render.add_argument("--dark", action="store_true", help="dark mode for --html / --png")
    render.set_defaults(func=cmd_render)

    describe = sub.add_parser("describe", help="show the skills, APIs and cards of a project", description=cmd_describe.__doc__)
    describe.add_argument("project")
    describe.set_defaults(func=cmd_describe)

    run = sub.add_parser("run", help="replay scenarios and report (default: scenarios/ here)", description=cmd_run.__doc__)
    run.add_argument("paths", nargs="*", metavar="PATH", help="scenario files or folders (default: scenarios)")
    run.add_argument(
        "--record",
        metavar="MODE",
        choices=["none", "once", "new_episodes", "all"],
        help="record mode of the cassettes: none (replay only, the default), once (record missing cassettes), "
        "new_episodes (record what is new), all (re-record)",
    )
    run.add_argument("-v", "--verbose", action="store_true", help="print each conversation: turns, calls, facts, cards")
    run.add_argument("--json", metavar="DIR", help="write each transcript as DIR/<scenario>.json (the stable form)")
    run.add_argument(
        "--strict",
        action="store_true",
        help="warnings (bare instructions, outputSchema mismatches, unused cassette entries ...) fail",
    )
    run.add_argument("--project", metavar="P", help="project of scenarios that name none")
    run.add_argument("--skill", help="skill of scenarios that name none, when the project has several")
    run.add_argument(
        "--cassette-dir",
        metavar="DIR",
        default="cassettes",
        help="where <scenario>.yaml cassettes live when a scenario names none (default: cassettes)",
    )
    run.add_argument("--suffix", default=".scenario.yaml", help="scenario file suffix (default: .scenario.yaml)")
    run.add_argument(
        "--device",
        metavar="JSON",
        help="device defaults under every scenario's own device: (same keys), "
        'as JSON, e.g. \'{"timezone": "Asia/Shanghai", "seed": 7}\'',
    )
    run.set_defaults(func=cmd_run)

    prune = sub.add_parser(
        "prune", help="remove unused cassette entries and orphan cassettes (dry run)", description=cmd_prune.__doc__
    )
    prune.add_argument("paths", nargs="*", metavar="PATH", help="scenario files or folders (default: scenarios)")
    prune.add_argument("--apply", action="store_true", help="really remove them (without it, only list what would go)")
    prune.add_argument("--project", metavar="P", help="project of scenarios that name none")
    prune.add_argument("--skill", help="skill of scenarios that name none, when the project has several")
    prune.add_argument(
        "--cassette-dir",
        metavar="DIR",
        default="cassettes",
        help="where <scenario>.yaml cassettes live when a scenario names none, and where orphans are looked for",
    )
    prune.add_argument("--suffix", default=".scenario.yaml", help="scenario file suffix (default: .scenario.yaml)")
    prune.set_defaults(func=cmd_prune)

    schema = sub.add_parser("schema", help="print the JSON Schema of scenario files", description=cmd_schema.__doc__)
    schema.set_defaults(func=cmd_schema)

    scan = sub.add_parser("scan", help="look for secrets left in cassettes and snapshots", description=cmd_scan.__doc__)
    scan.add_argument("paths", nargs="+", metavar="PATH", help="files or directories (.yaml/.yml/.json/.ambr/.txt)")
    scan.set_defaults(func=cmd_scan)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``wxreplay`` console script."""
    parser = build_parser()
    ns = parser.parse_args(argv)
    ns.argv = list(sys.argv[1:] if argv is None else argv)
    try:
        code: int = ns.func(ns)
        return code
    except (ProjectError, ArgumentsError, UnknownApiError, UsageError) as e:
        print(f"wxreplay: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except WxReplayError as e:
        print(f"wxreplay: error: {e}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:  # pragma: no cover
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
