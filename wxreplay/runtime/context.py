"""One execution context: a V8 isolate with the prelude, its ``wx`` and (for APIs) the skill.

Python talks to it only through ``step``: one JSON document in, one out (see prelude.js).
"""

from __future__ import annotations

import json
import time
from typing import Any

from py_mini_racer import JSParseException

from wxreplay.host import availability
from wxreplay.host.availability import ContextKind
from wxreplay.host.device import Device
from wxreplay.jsstack import WRAPPER_PREFIX, parse_syntax_error
from wxreplay.project.source_bundle import SourceBundle
from wxreplay.runtime import pool
from wxreplay.runtime.bootstrap import define_modules

# getApp() in a skill: undefined, as on the device (an independent subpackage loads without the main
# package's app.js, so there is no App instance). The finding names the caller's file and line (its
# frame in a stack taken with the Error captured before skill code runs) and says what to do instead.
_GET_APP_JS = (
    "globalThis.getApp = (function (E) { return function getApp(o) {"
    " var at = null;"
    " try { var st = String(new E().stack).split('\\n');"
    "  for (var i = 2; i < st.length && !at; i++) {"
    "   var m = /\\(?([^()\\s]+):(\\d+):(\\d+)\\)?$/.exec(st[i].trim());"
    "   if (m && m[1].indexOf('<') !== 0) at = { file: m[1], line: +m[2], column: +m[3] }; } } catch (e) { at = null; }"
    " var extra = { hint: 'keep shared state in wx storage (wx.setStorageSync / wx.getStorageSync) or in a module"
    " inside the subpackage (such as skills/_shared/);"
    " getApp({ allowDefault: true }) gives an empty object instead of undefined' };"
    " if (at) { extra.file = at.file; extra.line = at.line; extra.column = at.column; }"
    " __wr.finding('getApp', 'getApp() returns undefined here, as on the device: a skill runs in an independent"
    " subpackage, loaded without the main package\\'s app.js, so there is no App instance (nor its globalData)', extra);"
    " return o && o.allowDefault ? {} : undefined; }; })(Error);"
)

_OUTPUT_KEYS = ("effects", "logs", "events", "storageOps", "findings", "finished", "now", "nextTimer")


class BridgeBroken(Exception):
    """A step's output could not be read: skill code broke something the bridge relies on."""


class ExecutionContext:
    """A context of one ``kind`` inside a session; tracks what it has seen of shared state."""

    def __init__(
        self,
        kind: ContextKind,
        *,
        memory_limit: int,
        wall_timeout: float,
        modules: SourceBundle | None = None,
    ) -> None:
        self.kind = kind
        # Its bootstrap is already evaluated, and perhaps ``modules`` defined (made ahead: runtime/pool.py).
        self.isolate, self._modules = pool.take(kind, memory_limit=memory_limit, wall_timeout=wall_timeout, modules=modules)
        self.storage_version = -1
        self.now = -1
        self.next_timer: int | None = None
        self.pending_effects: list[dict[str, Any]] = []
        # The stored JSON texts the context's storage reads refer to by id (prelude.js eventStored),
        # mirrored from the JS table; after a step whose output was lost the next step resets both.
        self.texts: dict[int, str] = {}
        self.texts_lost = False

    def boot(
        self,
        *,
        device: Device,
        now: int,
        seed: int,
        session_id: str,
        skill_path: str,
        standalone: bool,
        limits: dict[str, int],
    ) -> None:
        """Install the prelude, configure it for this device, session and ``limits``, and build ``wx``."""
        info = device.info()
        config = {
            "kind": self.kind.value,
            "contextLabel": self.kind.label,
            "now": now,
            "seed": (seed * 31 + list(ContextKind).index(self.kind) * 7919) & 0x7FFFFFFF,
            "tzOffsetMin": device.tz_offset_min,
            "timeZone": device.timezone,
            "locale": device.locale,
            "device": info,
            "available": availability.available(self.kind),
            "known": availability.known(),
            "warnOn": availability.warnings_for(self.kind),
            "timers": availability.timers_allowed(self.kind),
            "sessionId": session_id,
            "skillPath": skill_path,
            "standalone": standalone,
            "limits": limits,
        }
        self.now = now
        card = self.kind is not ContextKind.API
        setup = (
            f"__wr.init({json.dumps(config)});"
            # Cards get a synchronous wx.createMapContext (a recorded MapContext stub).
            + ("globalThis.wx = __wr.buildWx(__wr.cardWxExtensions());" if card else "globalThis.wx = __wr.buildWx();")
            + _GET_APP_JS
        )
        if self.kind is ContextKind.API:
            setup += "wx.modelContext = __wr.buildModelContext();"
        else:
            setup += "wx.modelContext = __wr.buildCardModelContext();"
        # The bridge is complete: freeze it, so skill code cannot replace __wr.step or a starter.
        setup += "Object.freeze(__wr.starters); Object.freeze(__wr.timers); Object.freeze(__wr.map); Object.freeze(__wr);"
        self.isolate.eval(setup + "0")

    def define_modules(self, bundle: SourceBundle, *, root: str, skill_dir: str) -> None:
        """Hand the subpackage's sources (``Skill.source_bundle``) to ``require`` (each file decoded and compiled on
        its first require), for the skill in ``skill_dir`` under the subpackage ``root``."""
        # The pool may have defined these very sources ahead (no skill code has run since): then the skill's fields only.
        define_modules(self.isolate, None if self._modules is bundle else bundle, root, skill_dir)

    def step(self, payload: dict[str, Any]) -> dict[str, Any]:
        """One crossing: send ``payload``, get back everything that happened."""
        # The wall-clock deadline of this eval, for the prelude's checkpoint() guard.
        payload["wallDeadline"] = int((time.time() + self.isolate.wall_timeout) * 1000)
        if self.texts_lost:
            payload["resetTexts"] = True
        self.texts_lost = True  # until this step's output is read
        # ASCII only (\u escapes): V8 reads a one-byte script faster, and JSON.parse gives the same strings.
        arg = json.dumps(json.dumps(payload))
        text = self.isolate.eval("__wr.step(" + arg + ")")
        out = self._read_output(text)
        self.texts_lost = False
        self.next_timer = out["nextTimer"]
        self.now = max(self.now, int(out["now"]))
        return out

    def _read_output(self, text: Any) -> dict[str, Any]:
        """The step's output, checked: a skill that broke the bridge must not surface as a KeyError."""
        try:
            out = json.loads(text) if isinstance(text, str) else None
        except ValueError:
            out = None
        if not isinstance(out, dict) or any(k not in out for k in _OUTPUT_KEYS) or not isinstance(out["now"], int):
            raise BridgeBroken(f"the bridge of the {self.kind.label} returned unreadable output")
        self._take_texts(out)
        return out

    def _take_texts(self, out: dict[str, Any]) -> None:
        """Learn the step's new stored texts and put each storage read's text in place of its id."""
        try:
            if out.get("textsReset"):
                self.texts.clear()
            for ident, text in out.get("texts") or ():
                self.texts[ident] = text
            for e in out["events"]:
                if "outcomeRef" in e:
                    e["outcomeText"] = self.texts[e.pop("outcomeRef")]
        except (KeyError, TypeError, ValueError):
            self.texts_lost = True
            raise BridgeBroken(f"the bridge of the {self.kind.label} referred to a stored value it never sent") from None

    def tampered(self) -> list[str]:
        """The built-ins the harness relies on that skill code replaced (empty when none or unknown)."""
        try:
            text = self.isolate.eval("__wr.tampered()")
            names = json.loads(str(text))
        except Exception:  # the isolate may be unusable (heap limit); then nothing can be named
            return []
        return [str(n) for n in names] if isinstance(names, list) else []

    def flush(self) -> dict[str, Any] | None:
        """What a step that V8 terminated had produced before it died; None if that cannot be read."""
        try:
            out = self._read_output(self.isolate.eval("__wr.flush()"))
        except Exception:  # the isolate may be unusable after the heap limit; nothing to salvage then
            self.texts_lost = True
            return None
        self.next_timer = out["nextTimer"]
        self.now = max(self.now, int(out["now"]))
        return out

    def locate_syntax_error(self, path: str, source: str) -> tuple[int | None, int | None, str | None]:
        """Compile ``source`` at top level, where V8 reports the line and column of a syntax error."""
        try:
            self.isolate.eval(WRAPPER_PREFIX + source + "\n})\n//# sourceURL=" + path)
        except JSParseException as e:
            parsed = parse_syntax_error(str(e))
            if parsed is not None:
                _file, line, column, msg = parsed
                if line == 1 and column is not None:
                    column = max(1, column - len(WRAPPER_PREFIX))
                return line, column, msg
        return None, None, None

    def close(self) -> None:
        self.isolate.close()
