"""The ``wxreplay`` command line: thin glue over the engine, no logic of its own."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import importlib
import importlib.util
import json
import shlex
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wxreplay.cli_failure import Mark, cloud_hints, explain_failure, more_with_v, print_events, report
from wxreplay.errors import ArgumentsError, ProjectError, UnknownApiError, UsageError, WxReplayError
from wxreplay.term import add_color_option, quiet_broken_pipe

if TYPE_CHECKING:
    import httpx

    from wxreplay.cassette.recorder import Cassette
    from wxreplay.scenario.model import DeviceSetup

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def package_version() -> str:
    """wxreplay's version as installed (the package metadata), else the source tree's ``__version__``."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("wxreplay")
    except PackageNotFoundError:  # run from a source tree that pip never installed
        from wxreplay import __version__

        return __version__


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
        if real is None:  # nothing replays: say so before anything is sent
            print(
                "wxreplay: live: no --cassette, so wx.request goes to the real network "
                f"(to replay or record, add --cassette cassettes/{ns.command}-{ns.api}.yaml)",
                file=sys.stderr,
                flush=True,
            )
        return real, None
    from wxreplay.cassette import Cassette, resolve_mode
    from wxreplay.config import discover
    from wxreplay.runner import redaction_rules

    mode = resolve_mode(ns.record, explicit=ns.record is not None)
    # [tool.wxreplay.redact] of the cassette's project (found from the cassette, not the working directory)
    cassette = Cassette.open(ns.cassette, mode, rules=redaction_rules(discover([ns.cassette])))
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


def _device_setup(ns: argparse.Namespace) -> DeviceSetup:
    """The device of ``call`` / ``render``: ``--device`` (JSON or @file), with ``--storage`` / ``--payment``.

    ``--storage`` and ``--payment`` are shorthands for the ``storage`` and ``payments`` keys of the
    device description; giving one of them and the same key in ``--device`` is a usage error (two
    answers to one question), anything else combines.
    """
    from wxreplay.device_setup import parse_device_option
    from wxreplay.scenario.model import DeviceSetup

    setup = parse_device_option(ns.device) if ns.device is not None else DeviceSetup()
    if ns.storage is not None:
        storage = _json_arg(ns.storage, "--storage")
        if not isinstance(storage, dict):
            raise UsageError("--storage must be a JSON object of key -> value", hint='e.g. --storage \'{"westore:token": "t"}\'')
        if setup.storage:
            raise UsageError(
                "--storage and the `storage` key of --device both set the device storage",
                hint="give the storage in one place: drop --storage, or the `storage` key of --device",
            )
        setup = dataclasses.replace(setup, storage=storage)
    if ns.payment:
        if setup.payments:
            raise UsageError(
                "--payment and the `payments` key of --device both script wx.requestPayment",
                hint="give the payment outcomes in one place: drop --payment, or the `payments` key of --device",
            )
        setup = dataclasses.replace(setup, payments=tuple(ns.payment))
    return setup


def _script_line(ns: argparse.Namespace, setup: DeviceSetup) -> Callable[[str], str]:
    """Where the command line scripts host API ``name`` (for a stale-cassette message)."""
    device = f"--device {ns.device}" if ns.device is not None and ns.device.startswith("@") else "--device"

    def where(name: str) -> str:
        if name == "requestPayment" and ns.payment:
            return "the command line: " + " ".join(f"--payment {p}" for p in ns.payment)
        if name == "requestPayment" and setup.payments:
            return f"the command line: {device}, its `payments` key"
        if ns.device is not None:
            return f"the command line: {device} (the default device for what it does not set)"
        if name == "requestPayment":
            return "the command line: no --payment (every payment succeeds)"
        return "the default device (the command gives no --device)"

    return where


@contextlib.contextmanager
def _session(ns: argparse.Namespace) -> Iterator[Any]:
    """The session ``call`` and ``render`` share: project, device, transport, cassette, limits.

    The cassette is saved only when the command got through without an error.
    """
    from wxreplay.config import discover, wxml_calls
    from wxreplay.device_setup import build_device
    from wxreplay.project import Project
    from wxreplay.session import Session, SessionLimits

    setup = _device_setup(ns)  # a bad device description is a usage error before anything loads
    project = Project.load(ns.project)
    calls = wxml_calls(discover([project.root]))  # [tool.wxreplay] wxml_calls of the project's pyproject.toml
    transport, cassette = _wx_request_plumbing(ns)
    if cassette is not None:
        cassette.script_line = _script_line(ns, setup)
    with Session(
        project,
        ns.skill,
        device=build_device(setup),
        transport=transport,
        cassette=cassette,
        limits=SessionLimits(wall_timeout_s=ns.wall_timeout),
        wxml_calls=calls,
    ) as session:
        report(findings=session.findings)
        yield session
    _save(cassette)


def cmd_call(ns: argparse.Namespace) -> int:
    """Call one atomic API of a skill and print its result as JSON (the offline DevTools execute)."""
    args = _json_arg(ns.args, "--args") if ns.args is not None else {}
    code = EXIT_OK
    with _session(ns) as session:
        mark = Mark.of(session)
        try:
            result = session.call(ns.api, args)
        except WxReplayError as e:
            explain_failure(ns, session, mark, e)
            raise
        report(logs=result.logs)
        if ns.verbose:
            print_events(result.host_events)
        report(findings=result.findings)
        out = result.to_dict()
        out.pop("findings", None)
        if ns.show_storage:
            out["storage"] = session.device.get_storage()
        print(json.dumps(out, ensure_ascii=False, indent=2))
        if result.is_error:
            cloud_hints(session, result.host_events)
            print(f"wxreplay: {ns.api} returned isError: {result.text}", file=sys.stderr)
            if not ns.verbose and result.host_events:
                print(f"wxreplay: {more_with_v(len(result.host_events), 'it made')}", file=sys.stderr)
            code = EXIT_FAILED
    return code


def cmd_render(ns: argparse.Namespace) -> int:
    """Call an API (or take a given result) and print its card (the offline DevTools render)."""
    from wxreplay.result import CallResult, check_result

    args = _json_arg(ns.args, "--args") if ns.args is not None else {}
    with _session(ns) as session:
        mark = Mark.of(session)
        try:
            if ns.result is not None:
                raw = _json_arg(ns.result, "--result")
                decl = session.skill.api(ns.api)
                raw, found = check_result(decl, raw, mcp_file=None)
                result = CallResult.from_raw(decl, ns.api, args, raw, session_id=session.session_id, virtual_ms=0, findings=found)
            else:
                result = session.call(ns.api, args)
        except WxReplayError as e:
            explain_failure(ns, session, mark, e)
            raise
        report(logs=result.logs, findings=result.findings)
        if ns.verbose:
            print_events(result.host_events)
        mark = Mark.of(session)
        try:
            card = session.render(result)
        except WxReplayError as e:
            explain_failure(ns, session, mark, e)
            raise
        report(logs=session.logs[mark.logs :], findings=card.findings)
        if ns.verbose:
            print_events(session.events[mark.events :])
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
    p.add_argument(
        "--device",
        metavar="JSON|@FILE",
        help="the simulated device, with the keys of a scenario's device: (cloud functions and database, location, "
        "login, phone_number, payments, storage, system ...), as JSON or @file.yaml",
    )
    p.add_argument("--storage", help="initial device storage as a JSON object (or the `storage` key of --device)")
    p.add_argument(
        "--payment",
        action="append",
        choices=["success", "cancel", "fail"],
        help="outcome of the next wx.requestPayment (repeatable; default success; or the `payments` key of --device)",
    )
    p.add_argument("--app", help="serve wx.request from an in-process WSGI app: path/to/app.py:factory")
    p.add_argument("--wall-timeout", type=float, default=5.0, help="real seconds one step may run (default 5)")
    p.add_argument("--cassette", metavar="FILE", help="replay wx.request and host calls from this cassette (YAML)")
    from wxreplay.cli_run import add_record_option  # with run's options: imported when the parser is built

    add_record_option(
        p,
        "record mode for --cassette: none (replay only, the default), once (record a missing cassette), "
        "new_episodes (record what is new), all (re-record)",
    )


def cmd_describe(ns: argparse.Namespace) -> int:
    """Print what wxreplay sees in a project: skills, APIs, cards and their bindings (tables; JSON with --json)."""
    from wxreplay.cli_describe import describe_text
    from wxreplay.project import Project
    from wxreplay.term import Style

    data = Project.load(ns.project).describe()
    if ns.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(describe_text(data, Style.for_stream(sys.stdout, ns.color)))
    return EXIT_OK


def cmd_scan(ns: argparse.Namespace) -> int:
    """Scan cassettes and snapshots for secrets; print ``file:line:column: kind: excerpt`` per hit (a pre-commit hook)."""
    from wxreplay.cassette.scan import scan_path
    from wxreplay.config import discover
    from wxreplay.runner import redaction_rules

    missing = [p for p in ns.paths if not Path(p).exists()]
    for p in missing:
        print(f"wxreplay: error: no such file or directory: {p}", file=sys.stderr)
    # [tool.wxreplay.redact] ignore_fields / extra_fields of each path's project (its root, as pytest finds it)
    hits = [h for p in ns.paths if p not in missing for h in scan_path(p, rules=redaction_rules(discover([p])))]
    for h in hits:
        print(h if h.field is None else f"{h} (field {h.field})")
    # What was looked at goes to stderr, so stdout stays one hit per line (a clean scan prints none).
    from wxreplay.cli_scan import checked_line

    print(checked_line([p for p in ns.paths if p not in missing], len(hits)), file=sys.stderr)
    if hits:
        from wxreplay.cassette.rules import CONFIG_KEYS_HINT

        print(f"wxreplay: {len(hits)} possible secret(s) found: re-record after configuring {CONFIG_KEYS_HINT}", file=sys.stderr)
    if missing:
        return EXIT_USAGE
    return EXIT_FAILED if hits else EXIT_OK


def cmd_run(ns: argparse.Namespace) -> int:
    """Replay scenarios (default: scenarios/ here): progress, conversations with -v, a summary; exit 1 on failure."""
    from wxreplay.cli_run import run_command

    return run_command(ns)


class _MaskedStream:
    """stdout / stderr of a command: every write goes through the run's secret table and shapes first."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def write(self, text: str) -> int:
        from wxreplay.cassette.runsecrets import run_secrets

        self._inner.write(run_secrets().mask_text(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


# The commands that run a skill: what they print may carry its secrets (``new`` too: ``new --record``
# runs its scenario; ``lint`` loads each index.js, whose error message it reports). The others print
# files as they are (``schema``, ``describe``) or masked excerpts (``scan``).
_RUNS_SKILLS = frozenset({"call", "render", "run", "prune", "chat", "new", "report", "coverage", "lint"})


@contextlib.contextmanager
def _masked_output(ns: argparse.Namespace) -> Iterator[None]:
    """Mask secrets in everything a skill-running command prints (results, ``-v`` conversations, errors,
    miss messages), with the run's table started from the root's ``[tool.wxreplay.redact]``."""
    from wxreplay.cassette.runsecrets import run_secrets
    from wxreplay.config import discover
    from wxreplay.runner import redaction_rules

    if ns.command not in _RUNS_SKILLS:
        yield
        return
    run_secrets().reset(redaction_rules(discover(_command_paths(ns))))
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _MaskedStream(sys.stdout), _MaskedStream(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def _command_paths(ns: argparse.Namespace) -> list[str]:
    """The files a command works on, from which its root is found (as pytest finds its rootdir)."""
    if ns.command in ("run", "prune", "report", "coverage"):
        return list(ns.paths) or ["scenarios"]
    if ns.command == "lint":
        return list(ns.paths) or ["."]
    return [p for p in (getattr(ns, "cassette", None), ns.project) if p]


def cmd_prune(ns: argparse.Namespace) -> int:
    """Remove cassette entries no scenario uses and cassettes no scenario names (a dry run unless --apply)."""
    from wxreplay.config import discover
    from wxreplay.prune import plan_prune
    from wxreplay.runner import RunOptions
    from wxreplay.scenario import collect_files
    from wxreplay.scenario.parse import DEFAULT_SUFFIX

    paths = ns.paths or ["scenarios"]
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise UsageError(f"no such file or directory: {', '.join(missing)}", hint="pass scenario files or folders")
    config = discover(paths)  # cassettes live under the root, as for wxreplay run and pytest
    suffix = ns.suffix or str(config.value("suffix") or DEFAULT_SUFFIX)
    files = collect_files(paths, suffix)
    if not files:
        raise UsageError(f"no *{suffix} files under {', '.join(paths)}")
    cassette_dir = Path(ns.cassette_dir).absolute() if ns.cassette_dir else config.cassette_dir
    options = RunOptions(
        project=Path(ns.project).absolute() if ns.project else config.path("project"),
        skill=ns.skill or config.value("skill"),
        cassette_dir=cassette_dir,
        suffix=suffix,
        root=config,
    )
    plan = plan_prune(files, options, [cassette_dir])
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


def cmd_tally(ns: argparse.Namespace) -> int:
    """Run every API (arguments from its inputSchema, no network) and render every bound card (from an empty result)
    of the skill packages under PATH, and print the tally; exit 1 when wxreplay itself failed (a harness error)."""
    from wxreplay.tally import run_command

    return run_command(ns)


def cmd_schema(ns: argparse.Namespace) -> int:
    """Print the JSON Schema of *.scenario.yaml files (for editors: autocomplete and hover help)."""
    from wxreplay.scenario import schema_text

    sys.stdout.write(schema_text())
    return EXIT_OK


def cmd_lint(ns: argparse.Namespace) -> int:
    """Check skills against the platform's static rules (spec section 9): findings with file, line and fix.

    Exit 0 when clean, 1 with findings at or above the threshold (errors; warnings too with
    --strict), 2 for a usage error or a crash. See docs/lint.md.
    """
    from wxreplay import __version__
    from wxreplay.lint.command import run_lint

    return run_lint(ns, version=__version__)


def cmd_chat(ns: argparse.Namespace) -> int:
    """Record a conversation interactively (or from a script on standard input) and save it as a scenario with
    its cassette and snapshot, replayed green by wxreplay run before the command ends (:help lists the commands)."""
    from wxreplay.chat import run_chat

    return run_chat(ns, load_app=load_wsgi_app)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wxreplay", description="Offline, deterministic tests for WeChat Mini Program AI skills."
    )
    parser.add_argument("--version", action="version", version=f"wxreplay {package_version()}")
    sub = parser.add_subparsers(dest="command", required=True)

    call = sub.add_parser("call", help="call one atomic API and print its result as JSON", description=cmd_call.__doc__)
    call.add_argument("project", help="project root (with app.json) or a skill directory")
    call.add_argument("api", help="API name as declared in mcp.json")
    call.add_argument("--args", help="arguments as a JSON object (default {})")
    _session_options(call)
    call.add_argument("--show-storage", action="store_true", help="include the device storage after the call")
    call.add_argument(
        "-v", "--verbose", action="store_true", help="print every wx host call on stderr (on a failure too, with its outcome)"
    )
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
    render.add_argument(
        "-v", "--verbose", action="store_true", help="print every wx host call on stderr (on a failure too, with its outcome)"
    )
    render.set_defaults(func=cmd_render)

    describe = sub.add_parser("describe", help="show the skills, APIs and cards of a project", description=cmd_describe.__doc__)
    describe.add_argument("project", help="project root (with app.json) or a skill directory")
    describe.add_argument("--json", action="store_true", help="print it as JSON (every field, descriptions in full)")
    add_color_option(describe)
    describe.set_defaults(func=cmd_describe)

    from wxreplay.cli_run import add_run_arguments, add_scenario_options

    run = sub.add_parser("run", help="replay scenarios and report (default: scenarios/ here)", description=cmd_run.__doc__)
    add_run_arguments(run)
    run.set_defaults(func=cmd_run)

    prune = sub.add_parser(
        "prune", help="remove unused cassette entries and orphan cassettes (dry run)", description=cmd_prune.__doc__
    )
    prune.add_argument("paths", nargs="*", metavar="PATH", help="scenario files or folders (default: scenarios)")
    prune.add_argument("--apply", action="store_true", help="really remove them (without it, only list what would go)")
    add_scenario_options(prune)  # orphans are looked for in the cassette folder
    prune.set_defaults(func=cmd_prune)

    from wxreplay.tally import add_arguments as add_tally_arguments  # light: the engine loads when it runs

    tally = sub.add_parser(
        "tally", help="run every API and card of skill packages offline and count the outcomes", description=cmd_tally.__doc__
    )
    add_tally_arguments(tally)
    tally.set_defaults(func=cmd_tally)

    schema = sub.add_parser("schema", help="print the JSON Schema of scenario files", description=cmd_schema.__doc__)
    schema.set_defaults(func=cmd_schema)

    scan = sub.add_parser("scan", help="look for secrets left in cassettes and snapshots", description=cmd_scan.__doc__)
    scan.add_argument("paths", nargs="+", metavar="PATH", help="files or directories (.yaml/.yml/.json/.ambr/.txt)")
    scan.set_defaults(func=cmd_scan)

    from wxreplay.report_command import add_coverage_arguments, add_report_arguments, coverage_command, report_command

    report = sub.add_parser(
        "report", help="replay scenarios and write an HTML report (chats, cards)", description=report_command.__doc__
    )
    add_report_arguments(report)
    report.set_defaults(func=report_command)
    coverage = sub.add_parser(
        "coverage", help="replay scenarios and print API/card/tap/isError coverage", description=coverage_command.__doc__
    )
    add_coverage_arguments(coverage)
    coverage.set_defaults(func=coverage_command)

    from wxreplay.lint.command import add_lint_arguments

    lint = sub.add_parser("lint", help="check skills against the platform's static rules", description=cmd_lint.__doc__)
    add_lint_arguments(lint)
    lint.set_defaults(func=cmd_lint)

    from wxreplay.chat import add_chat_arguments

    chat = sub.add_parser("chat", help="record a conversation interactively as a scenario", description=cmd_chat.__doc__)
    add_chat_arguments(chat)
    chat.set_defaults(func=cmd_chat)

    # scaffolding: wxreplay new / wxreplay init (wxreplay/scaffold_cli.py)
    from wxreplay.scaffold_cli import add_init_arguments, add_new_arguments, run_init, run_new

    new = sub.add_parser("new", help="write a commented scenario skeleton (--smoke: every API)", description=run_new.__doc__)
    add_new_arguments(new)
    new.set_defaults(func=run_new)
    init = sub.add_parser("init", help="add wxreplay to a skill repository", description=run_init.__doc__)
    add_init_arguments(init)
    init.set_defaults(func=run_init)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``wxreplay`` console script."""
    # A reader that closes the pipe (`wxreplay run | head -1`) ends the command quietly (status 141).
    return quiet_broken_pipe(lambda: _main(argv))


def _main(argv: Sequence[str] | None) -> int:
    """Parse and run the command; wxreplay's own errors become a message and an exit status, never a traceback."""
    parser = build_parser()
    ns = parser.parse_args(argv)
    ns.argv = list(sys.argv[1:] if argv is None else argv)
    try:
        with _masked_output(ns):
            try:
                code: int = ns.func(ns)
                return code
            except (ProjectError, ArgumentsError, UnknownApiError, UsageError) as e:
                print(f"wxreplay: error: {e}", file=sys.stderr)
                return EXIT_USAGE
            except WxReplayError as e:
                print(f"wxreplay: error: {e}", file=sys.stderr)
                return EXIT_FAILED
    except UsageError as e:  # [tool.wxreplay.redact] itself is invalid
        print(f"wxreplay: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:  # pragma: no cover
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
