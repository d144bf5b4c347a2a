"""What ``wxreplay call`` / ``render`` print beside their result: console lines, findings, host calls.

And what they print when the step fails (a JS error, a timeout, a card that does not render, an
``isError`` result): the step's console output and findings, with ``-v`` its ``wx`` host calls and
their outcomes, a ``--device`` hint for each ``wx.cloud`` call nothing scripts, and, without
``-v``, a note saying what ``-v`` would add. Everything goes to stderr, through the command's
masked streams (the CLI installs them), so stdout stays the result.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from typing import Any

from wxreplay.errors import WxReplayError

__all__ = ["Mark", "cloud_hints", "explain_failure", "more_with_v", "print_events", "report"]


def report(*, logs: Any = (), findings: Any = ()) -> None:
    """Console output and findings go to stderr, so stdout stays the command's result."""
    for line in logs:
        print(f"console.{line.level}: {line.text}", file=sys.stderr)
    for f in findings:
        print(f"wxreplay: {f}", file=sys.stderr)


def print_events(events: Any) -> None:
    """Each wx host call on stderr: ``wx.name {args} -> {outcome}`` (the ``-v`` view)."""
    for ev in events:
        args_text, outcome_text = json.dumps(ev.args, ensure_ascii=False), json.dumps(ev.outcome, ensure_ascii=False)
        print(f"wx.{ev.name} {args_text} -> {outcome_text}", file=sys.stderr)


@dataclasses.dataclass(frozen=True)
class Mark:
    """How much the session had logged, called and found before a step: what the step adds is after it."""

    logs: int
    events: int
    findings: int

    @classmethod
    def of(cls, session: Any) -> Mark:
        return cls(len(session.logs), len(session.events), len(session.findings))


def explain_failure(ns: argparse.Namespace, session: Any, mark: Mark, error: WxReplayError) -> None:
    """What the skill did in a step that failed (a JS error, a timeout, a card that did not render).

    Its console lines and findings are printed as for a result; with ``-v`` also its wx host calls
    (a cloud function nothing scripts, a failed ``wx.request``). Without ``-v``, a line says what
    ``-v`` would add, right above the failure line the caller prints.
    """
    events = session.events[mark.events :]
    findings = session.findings[mark.findings :]
    if "note: getApp() returned undefined" in str(error):  # the error already carries the getApp finding
        findings = [f for f in findings if f.code != "getApp"]
    report(logs=session.logs[mark.logs :], findings=findings)
    cloud_hints(session, events)
    if ns.verbose:
        print_events(events)
    elif events:  # printed just above the error, so the error's own "fix:" line stays the last one
        print(f"wxreplay: {more_with_v(len(events), 'made before the failure below')}", file=sys.stderr)


def more_with_v(n: int, which: str) -> str:
    """The note under a failure line: what ``-v`` adds (``n`` host calls)."""
    if n == 1:
        return f"-v shows the wx host call {which}, with its outcome"
    return f"-v shows the {n} wx host calls {which}, with their outcomes"


def cloud_hints(session: Any, events: Any) -> None:
    """For each failed ``wx.cloud`` call that nothing scripts, the ``--device`` key that scripts it."""
    cloud = session.device.cloud
    seen: set[str] = set()
    for ev in events:
        args = ev.args if isinstance(ev.args, dict) else {}
        if ev.ok is not False:
            continue
        key: str | None = None
        example: dict[str, Any] = {}
        if ev.name in ("cloud.callFunction", "cloud.callHTTPFunction") and args.get("name") not in cloud.functions:
            key, example = "functions", {str(args.get("name")): {"ok": True}}
        elif ev.name == "cloud.database" and args.get("collection") not in cloud.collections:
            key, example = "collections", {str(args.get("collection")): [{"_id": "id1"}]}
        elif ev.name == "cloud.downloadFile" and args.get("fileID") not in cloud.files:
            key, example = "files", {str(args.get("fileID")): {"filePath": "http://tmp/file.png"}}
        elif ev.name.startswith("cloud.ai.") and not ({str(args.get("model") or ""), "*"} & set(cloud.ai)):
            key, example = "ai", {str(args.get("model") or "*"): "reply text"}
        if key is None:
            continue
        device = json.dumps({"cloud": {key: example}}, ensure_ascii=False)
        if device in seen:
            continue
        seen.add(device)
        print(
            f"wxreplay: hint: wx.{ev.name} found nothing scripted; give it with --device '{device}' "
            "(the keys of a scenario's device:, or --device @device.yaml)",
            file=sys.stderr,
        )
