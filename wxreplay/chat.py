"""``wxreplay chat``: record a conversation by playing it, and save it as a scenario that replays green.

A QA engineer types what the user says, picks the API the assistant calls (arguments prompted from
its ``inputSchema``, values suggested from earlier results), sees facts, actions and the card tree
with numbered tappable nodes, taps by number, triggers lifecycle events and types the reply. The
protocol is one command per line (:data:`HELP`), read from a terminal (with completion) or from
standard input (a script: no prompts), so it is tested end to end.

**Why what it writes cannot drift.** The chat runs a real session with the scenario's own cassette
in the record mode given, so the service is asked once, as the QA engineer saw it. On ``:save`` (or
at the end of the input) the scenario YAML is written, the cassette is saved (under the one save
policy), and then ``wxreplay run FILE --record none --snapshot-update`` itself replays the file
from that cassette: the verdict and the snapshot come from the runner and the serializer that
``wxreplay run`` and ``pytest`` use, never from the chat. If that replay is not green the command
says so and exits 1: a chat cannot produce a scenario that passes only in the chat.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from wxreplay.chat_args import EVENTS, convert_value, parse_command, parse_duration, schema_type, suggestions
from wxreplay.chat_driver import ChatDriver, ChatError
from wxreplay.chat_yaml import ScenarioDraft, slug
from wxreplay.errors import UsageError, WxReplayError

__all__ = ["HELP", "add_chat_arguments", "run_chat"]

HELP = """\
what the user says       type it (a line starting with ':' is a command; '::' types one ':')
:call [API|N] [JSON]     the assistant calls an API (no name: the numbered list; no JSON: asked one argument at a time)
:apis                    list the skill's APIs
:render [API]            render the card of the API's latest call (default: the latest call)
:cards                   the live cards again, tappable nodes numbered
:tap N                   tap node N of the last card listing (its message is the next user message)
:message                 a card's message sent outside a tap (a payment callback, a timer) is the next user message
:reply TEXT              the assistant's reply
:background 30m  :advance 5s  :foreground  :restart  :new_session  :memory_warning
:save                    write the scenario, its cassette and its snapshot, replay it, and leave
:quit                    leave without writing anything
:help                    this list"""


def add_chat_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``wxreplay chat``."""
    p.add_argument("project", nargs="?", default=".", help="project root (with app.json) or a skill directory (default .)")
    p.add_argument("--skill", help="skill name when the project has several")
    p.add_argument("--name", help="the scenario's name (default: chat); the file is named after it")
    p.add_argument("-o", "--output", default="scenarios", metavar="DIR", help="where the scenario goes (default scenarios/)")
    p.add_argument("--device", metavar="JSON|@FILE", help="the scenario's device: keys, as JSON or @file.yaml")
    p.add_argument("--app", help="serve wx.request from an in-process WSGI app while recording: path/to/app.py:factory")
    p.add_argument(
        "--record",
        choices=["none", "once", "new_episodes", "all"],
        default="once",
        help="record mode of the scenario's cassette while chatting (default once: record a cassette that does not exist)",
    )


class _Lines:
    """The chat's input: a terminal with prompts and completion, or a script read line by line."""

    def __init__(self, words: list[str]) -> None:
        self.tty = sys.stdin.isatty()
        if self.tty:  # pragma: no cover - needs a terminal
            try:
                import readline

                def complete(text: str, state: int) -> str | None:
                    hits = [w for w in words if w.startswith(text)]
                    return hits[state] + " " if state < len(hits) else None  # the space readline would add

                readline.set_completer(complete)
                readline.set_completer_delims(" \t\n")  # ':call' is one word
                readline.parse_and_bind("tab: complete")
            except ImportError:
                pass

    def ask(self, prompt: str) -> str | None:
        """The next line (``None`` at the end of the input); the prompt is shown on a terminal only."""
        if self.tty:  # pragma: no cover - needs a terminal
            try:
                return input(prompt)
            except EOFError:
                return None
        line = sys.stdin.readline()
        return None if line == "" else line.rstrip("\n")


def _out(text: str) -> None:
    print(text, flush=True)


def run_chat(ns: argparse.Namespace, *, load_app: Callable[[str], Any]) -> int:
    """Run the chat; the exit status is 0 when the saved scenario replays green (or nothing was saved).

    ``load_app`` turns ``--app path/to/app.py:factory`` into a WSGI app (the CLI's loader, as for ``wxreplay call``).
    """
    import httpx

    from wxreplay.cassette import Cassette, resolve_mode
    from wxreplay.config import discover, wxml_calls
    from wxreplay.device_setup import build_device, parse_device_option
    from wxreplay.project import Project
    from wxreplay.runner import redaction_rules
    from wxreplay.scenario.model import DeviceSetup

    setup = parse_device_option(ns.device) if ns.device is not None else DeviceSetup()
    project = Project.load(ns.project)
    skill = project.skill(ns.skill)
    out_dir = Path(ns.output)
    name = ns.name or "chat"
    stem = slug(name) or "chat"
    file = out_dir / f"{stem}.scenario.yaml"
    if file.exists():
        raise UsageError(f"{file} exists already", hint="give the new scenario another --name (or -o another folder)")
    out_dir.mkdir(parents=True, exist_ok=True)
    config = discover([out_dir])
    cassette_file = config.cassette_dir / f"{stem}.yaml"
    cassette = Cassette.open(cassette_file, resolve_mode(ns.record, explicit=True), rules=redaction_rules(config))
    cassette.scenario = name
    transport = httpx.WSGITransport(app=load_app(ns.app)) if ns.app else None
    draft = ScenarioDraft(
        name=name,
        project=Path(os.path.relpath(Path(ns.project).absolute(), out_dir.absolute())).as_posix(),  # as the user named it
        skill=skill.name,
        device=_device_data(ns.device),
    )
    _out(
        f"wxreplay chat: skill {skill.name} of {ns.project}; writing {file}, cassette {cassette_file} "
        f"(record mode {cassette.mode.value}); :help lists the commands"
    )
    driver = ChatDriver(
        project,
        skill,
        draft,
        device=build_device(setup),
        cassette=cassette,
        transport=transport,
        wxml_calls=wxml_calls(discover([project.root])),
        out=_out,
    )
    names = [a.name for a in skill.apis]
    lines = _Lines(
        [":" + w for w in (*EVENTS, "call", "apis", "render", "cards", "tap", "message", "reply", "save", "quit", "help")] + names
    )
    try:
        while True:
            line = lines.ask("you> " if draft.plan is None else "> ")
            if line is None:
                break
            if line.strip() == ":save":
                said = driver.unanswered_user()
                if said is None:
                    break
                _out(f"error: the assistant has not answered {said!r} yet: :call, :render or :reply TEXT first, then :save")
                continue
            if not line.strip():
                continue
            cmd = parse_command(line)
            if cmd.name == "quit":
                driver.close()
                _out("left without writing anything")
                return 0
            try:
                _dispatch(cmd.name, cmd.rest, driver, lines)
            except ChatError as e:
                _out(f"error: {e}")
            except WxReplayError as e:
                _out(f"error: {str(e).splitlines()[0]}" + (f" ({e.hint})" if getattr(e, "hint", None) else ""))
    finally:
        driver.close()
    return _save(draft, file, cassette)


def _device_data(option: str | None) -> dict[str, Any] | None:
    """What ``--device`` holds, as the ``device:`` mapping of the scenario (already checked by its parser)."""
    if option is None:
        return None
    import json

    import yaml

    data = yaml.safe_load(Path(option[1:]).read_text(encoding="utf-8")) if option.startswith("@") else json.loads(option)
    return data if isinstance(data, dict) and data else None


def _dispatch(name: str, rest: str, driver: ChatDriver, lines: _Lines) -> None:
    """Do one command (see :data:`HELP`); a :class:`ChatError` says what was wrong."""
    if name == "say":
        driver.say(rest)
    elif name == "help":
        _out(HELP)
    elif name == "apis":
        _list_apis(driver)
    elif name == "call":
        _call(rest, driver, lines)
    elif name == "render":
        driver.render(rest or None)
    elif name == "cards":
        driver.show_cards(driver.live_cards())
    elif name == "tap":
        if not rest.strip().isdigit():
            raise ChatError(f"tap takes the number of a node in the last card listing, e.g. :tap 2 (got {rest!r})")
        driver.tap(int(rest))
    elif name == "message":
        driver.message()
    elif name == "reply":
        if not rest:
            raise ChatError("reply takes the assistant's text: :reply 好的，已为您下单。")
        driver.reply(rest)
    elif name in EVENTS:
        if EVENTS[name]:
            ms = parse_duration(rest)
            if ms is None:
                raise ChatError(f"{name} takes a duration such as 30m, 5s, 1h30m or 1500ms (got {rest!r})")
            driver.event(name, ms, rest.strip())
        else:
            if rest:
                raise ChatError(f"{name} takes nothing after it")
            driver.event(name, None, None)
    elif name == "undo":
        raise ChatError("undo is not supported: what ran cannot be un-run; :quit and start again, or fix the YAML after :save")
    else:
        raise ChatError(f"unknown command :{name} (:help lists them)")


def _list_apis(driver: ChatDriver) -> None:
    for i, api in enumerate(driver.skill.apis, 1):
        card = " (card)" if api.component_path else ""
        _out(f"  {i}. {api.name}{card}")


def _call(rest: str, driver: ChatDriver, lines: _Lines) -> None:
    import json

    api, _, given = rest.partition(" ")
    if not api:
        _list_apis(driver)
        api = (lines.ask("which API? ") or "").strip()
    apis = driver.skill.apis
    if api.isdigit():
        if not 1 <= int(api) <= len(apis):
            raise ChatError(f"no API number {api}: the skill has {len(apis)} (:apis lists them)")
        api = apis[int(api) - 1].name
    try:
        decl = driver.skill.api(api)
    except WxReplayError as e:
        raise ChatError(
            f"{e.message if hasattr(e, 'message') else e}" + (f": {e.hint}" if getattr(e, "hint", None) else "")
        ) from None
    if given.strip():
        try:
            args = json.loads(given)
        except json.JSONDecodeError as e:
            raise ChatError(f"the arguments are not valid JSON: {e.msg} at column {e.colno}") from None
        if not isinstance(args, dict):
            raise ChatError('the arguments must be a JSON object, e.g. {"keyword": "拿铁"}')
        written = args
    else:
        asked = _ask_arguments(decl.input_schema, driver, lines)
        if asked is None:  # the input ended
            raise ChatError(f"the input ended while asking the arguments of {api}: not called")
        args, written = asked
    driver.call(api, args, written=written)


def _ask_arguments(schema: dict[str, Any], driver: ChatDriver, lines: _Lines) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """One prompt per ``inputSchema`` property (required first): the arguments the session gets, and those the
    scenario writes, where a value taken from a suggestion is ``${var}`` saved from the call it came from."""
    props: dict[str, Any] = schema.get("properties") or {}
    required = [p for p in schema.get("required") or [] if p in props]
    order = required + [p for p in props if p not in required]
    args: dict[str, Any] = {}
    written: dict[str, Any] = {}
    for prop_name in order:
        prop = props[prop_name] if isinstance(props[prop_name], dict) else {}
        hints = suggestions(prop_name, driver.saved)
        need = "required" if prop_name in required else "optional"
        offer = ""
        if hints:
            offer = f" [Enter: {hints[0].value!r} from call {hints[0].call + 1} {hints[0].path}]"
        elif need == "optional":
            offer = " [Enter: leave out]"
        if lines.tty and isinstance(prop.get("enum"), list):  # pragma: no cover - needs a terminal
            _out(f"  {prop_name}: one of {', '.join(map(str, prop['enum']))}")
        while True:
            text = lines.ask(f"  {prop_name} ({schema_type(prop)}, {need}){offer}: ")
            if text is None:
                return None
            if text.startswith(":") and not text.startswith("::"):
                raise ChatError(f"{text.split()[0]} while asking the arguments: the call was cancelled, nothing was written")
            if text.startswith("::"):
                text = text[1:]
            if text == "" and hints:
                hint = hints[0]
                args[prop_name] = hint.value
                written[prop_name] = driver.draft.variable(hint.call, hint.path, prop_name)
                driver.out(f"  {prop_name} = {hint.value!r} (saved from call {hint.call + 1}: {hint.path})")
                break
            if text in ("", "-") and need == "optional":
                break
            if text == "":
                driver.out(f"  {prop_name} is required: type a value")
                continue
            try:
                args[prop_name] = written[prop_name] = convert_value(text, prop)
                break
            except ValueError as e:
                driver.out(f"  bad value for {prop_name}: {e}; type it again")
    return args, written


def _save(draft: ScenarioDraft, file: Path, cassette: Any) -> int:
    """Write the scenario and its schema, save the cassette, then let ``wxreplay run`` replay it and write its snapshot."""
    from wxreplay.cli_run import add_run_arguments, run_command
    from wxreplay.scaffold import SCHEMA_FILE, ensure_schema_file

    last = draft.turns[-1] if draft.turns else None
    if isinstance(last, dict) and "user" in last and not last.get("plan"):  # the input ended before the answer
        draft.turns.pop()
        _out(f"left out: the last user message {last['user']!r} has no answer from the assistant (a user turn needs a plan)")
    if not draft.turns:
        _out("nothing to save: no turn was recorded")
        return 0
    for note in ensure_schema_file(file.parent):
        _out(note)
    file.write_text(draft.to_yaml(f"./{SCHEMA_FILE}"), encoding="utf-8")
    _out(f"wrote {file}")
    try:
        if cassette.settle(True):
            _out(f"wrote {cassette.path}")
    except WxReplayError as e:
        _out(f"error: the cassette was not written: {e}")
        return 1
    _out(f"replaying it: wxreplay run {file} --record none --snapshot-update")
    argv = [str(file), "--record", "none", "--snapshot-update"]
    parser = argparse.ArgumentParser(prog="wxreplay run")
    add_run_arguments(parser)  # the options of wxreplay run itself: the same command, parsed the same way
    ns = parser.parse_args(argv)
    ns.command, ns.argv = "run", ["run", *argv]
    code = run_command(ns)
    if code != 0:
        _out(f"error: {file} does not replay green (above: why); the files are left for you to fix or delete")
        return 1
    _out(f"saved: {file} replays green with `wxreplay run {file}` and under pytest")
    return 0
