"""One cassette in use: what was recorded, what this run replays or records, and saving it.

A ``Cassette`` is opened per session (or scenario); its ``transport(real)`` goes to
``Session(transport=...)`` and its ``interceptor`` to ``Session(interceptors=[...])``. In a replay
mode a request without a recording raises ``CassetteMissError`` out of ``Session.call`` before
anything is sent (the session then has a call without an answer: close it).
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from wxreplay.cassette import model, store
from wxreplay.cassette.interceptor import CassetteInterceptor
from wxreplay.cassette.matching import (
    Comparator,
    Index,
    Matcher,
    MatchRules,
    bucket_key,
    describe_request,
    field_diff,
    label,
    lines_for,
)
from wxreplay.cassette.redact import RedactionRules, Redactor
from wxreplay.cassette.runsecrets import run_secrets
from wxreplay.cassette.scan import hits_error, scan_cassette_text
from wxreplay.cassette.transport import CassetteTransport
from wxreplay.cassette.witness import outcome_differences, placeholder_in
from wxreplay.errors import CassetteError, CassetteMissError, RecordingError, StaleCassetteError
from wxreplay.host.base import HostCall, HostOutcome, Interceptor
from wxreplay.record_mode import RecordMode

__all__ = ["Cassette", "use_cassette"]


def _now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class Cassette:
    """A cassette file opened in a record mode; see ``Cassette.open``."""

    def __init__(
        self,
        path: str | Path,
        mode: RecordMode | str = RecordMode.NONE,
        *,
        rules: RedactionRules | None = None,
        match: MatchRules | None = None,
        matchers: Sequence[Matcher] = (),
    ) -> None:
        self.path = Path(path)
        self.mode = RecordMode.parse(mode)
        self.rules = rules
        match = match or MatchRules()
        if matchers:
            match = MatchRules(match.ignore, (*match.matchers, *matchers), match.match_headers)
        self.match = match
        self.turn: int | None = None  # set by the conversation runner before each turn
        self.scenario: str | None = None  # named in miss messages when set
        # The command that records a miss (the CLI / plugin sets it); ``{mode}`` becomes the mode to use.
        self.record_hint: str | None = None
        self.misses: list[CassetteMissError] = []
        # Every cassette error this run raised (misses, stale host outcomes, failed recordings):
        # any of them means the run's traffic is not a true recording, so ``settle`` saves nothing.
        self.problems: list[CassetteError] = []
        # ``script_line(host API name)``: where the script of that host call is written ("file:line
        # (device.payments)"), named by stale-cassette errors; the runner sets it for scenarios.
        self.script_line: Callable[[str], str | None] | None = None
        self.new_entries: list[dict[str, Any]] = []  # recorded in this run, not yet redacted
        self.last_ref: int | None = None  # the entry the last replayed request matched
        self._blobs: dict[str, bytes] = {}  # sha256 -> bytes of binary bodies (side files)
        self._counts: Counter[tuple[str | None, tuple[str, ...]]] = Counter()
        self._api: str | None = None  # the API of the wx.request being answered (set by the interceptor)
        self._text = store.read_text(self.path)
        self._fingerprint = store.fingerprint(self._text)
        self.exists = self._text is not None
        self.recorded_at: str | None = None
        entries: list[dict[str, Any]] = []
        self._readable = True
        if self._text is not None:
            try:
                self.recorded_at, entries = store.parse_file(self._text, str(self.path), self._fingerprint or "")
            except CassetteError:
                if self.mode is not RecordMode.ALL:
                    raise
                self._readable = False  # re-recording replaces a broken file
        self.entries = entries
        self.replaying = self.mode in (RecordMode.NONE, RecordMode.NEW_EPISODES) or (self.mode is RecordMode.ONCE and self.exists)
        self.recording = self.mode in (RecordMode.NEW_EPISODES, RecordMode.ALL) or (
            self.mode is RecordMode.ONCE and not self.exists
        )
        # The cassette's redactor learns every secret as it is recorded (or aligned with a recording in
        # replay), so the run masks it in every output with the placeholder this file shows.
        self._redactor = Redactor(rules)
        if self.mode is not RecordMode.ALL:
            self._redactor.seed(entries)
        run_secrets().attach(self._redactor)
        self.comparator = Comparator(self.match, Redactor(rules).redact)
        self.index = Index(entries if self.replaying else [], self.comparator)

    @classmethod
    def open(
        cls,
        path: str | Path,
        mode: RecordMode | str = RecordMode.NONE,
        *,
        rules: RedactionRules | None = None,
        match: MatchRules | None = None,
        matchers: Sequence[Matcher] = (),
    ) -> Cassette:
        """Open ``path`` (it may not exist yet) in ``mode``; a broken file is a ``CassetteError`` at file:line."""
        return cls(path, mode, rules=rules, match=match, matchers=matchers)

    # ---- plugging into a Session ---------------------------------------------------------------
    def transport(self, real: httpx.BaseTransport | None = None) -> httpx.BaseTransport:
        """The transport ``Session(cassette=...)`` uses: replays, and records through ``real`` (default: the network)."""
        return CassetteTransport(self, real)

    @property
    def interceptor(self) -> Interceptor:
        """The host-call interceptor ``Session(cassette=...)`` puts behind its own interceptors."""
        return CassetteInterceptor(self)

    @property
    def files_dir(self) -> str:
        """Side files (binary bodies) live in ``<cassette name>.files/`` beside the cassette."""
        return f"{self.path.name}.files"

    def read_file(self, sha256: str) -> bytes:
        """The bytes of the binary body with digest ``sha256`` (its side file)."""
        if sha256 in self._blobs:
            return self._blobs[sha256]
        rel = model.side_file(self.files_dir, sha256)
        try:
            data = (self.path.parent / rel).read_bytes()
        except OSError:
            raise CassetteError(
                f"the binary body {rel} is missing beside the cassette",
                file=str(self.path),
                hint="commit the cassette's .files/ directory with it, or re-record (--record all)",
            ) from None
        if hashlib.sha256(data).hexdigest() != sha256:
            raise CassetteError(
                f"the binary body {rel} does not match its sha256 (the file was changed)",
                file=str(self.path),
                hint="restore it from version control, or re-record (--record all)",
            )
        self._blobs[sha256] = data
        return data

    # ---- the episode ---------------------------------------------------------------------------
    def _ordinal(self, api: str | None, key: tuple[str, ...]) -> int:
        k = (api, key)
        n = self._counts[k]
        self._counts[k] = n + 1
        return n

    def play(self, live: dict[str, Any]) -> dict[str, Any] | None:
        """The recorded entry answering ``live`` (used up), or ``None`` when replay has none."""
        if not self.replaying:
            return None
        i = self.index.take(live, self.comparator.view(live), self.turn)
        self.last_ref = None if i is None else i + 1  # entry number, as miss reports count them
        if i is None:
            return None
        self._redactor.align(live, self.entries[i])  # a live secret gets the recording's placeholder
        return self.entries[i]

    def record(self, entry: dict[str, Any], blobs: Mapping[str, bytes] | None = None) -> None:
        """Keep a new entry (and its side files) for ``save``."""
        self.new_entries.append(entry)
        self._redactor.learn(entry)
        self._blobs.update(blobs or {})

    def http_live(self, request: httpx.Request) -> tuple[dict[str, Any], dict[str, bytes]]:
        """A live request as an entry (no response yet) and its side file, if binary."""
        fields, blob = model.request_fields(request)
        key = ("http", fields["method"], fields["scheme"], fields["host"], fields["path"])
        entry = model.http_entry(fields, {}, turn=self.turn, api=self._api, ordinal=self._ordinal(self._api, key))
        blobs = {fields["body"]["sha256"]: blob} if blob is not None else {}
        return entry, blobs

    def host_call(self, call: HostCall, nxt: Callable[[HostCall], HostOutcome]) -> HostOutcome:
        """Answer a scripted host call with the script (``nxt``) in every mode; the cassette only witnesses it.

        A recorded outcome that contradicts the script is a :class:`StaleCassetteError`; a call the
        cassette has no witness of misses in a replay-only mode, and is recorded otherwise.
        """
        live = model.host_entry(
            call.name,
            _plain_json(call.args),
            True,
            None,
            None,
            turn=self.turn,
            api=call.api,
            ordinal=self._ordinal(call.api, ("host", call.name)),
        )
        hit = self.play(live)
        if hit is None and not self.recording:
            raise self.miss(live)
        outcome = nxt(call)
        live["outcome"] = {"ok": outcome.ok, "value": _plain_json(outcome.value)}
        if hit is not None:
            if outcome_differences(hit["outcome"], live["outcome"], live["outcome"]):  # shown redacted below
                raise self.stale(live, outcome_differences(hit["outcome"], live["outcome"], self._shown(live)["outcome"]))
            if self.recording:  # new_episodes: new requests carry the script's real values, never a placeholder
                return outcome
            # Replay: the recorded outcome, which agrees with the script, with its secrets as placeholders
            # (the redacted HTTP that follows was recorded with them; transcripts never hold the secret).
            out = hit["outcome"]
            return HostOutcome(bool(out["ok"]), copy.deepcopy(out.get("value")), out.get("diagnostic"))
        if outcome.diagnostic:
            live["outcome"]["diagnostic"] = outcome.diagnostic
        self.record(live)
        return outcome

    def _shown(self, live: dict[str, Any]) -> dict[str, Any]:
        """``live`` redacted for a message: the live request or outcome may carry real secrets."""
        shown = Redactor(self.rules)
        shown.seed(self.entries)
        redacted: dict[str, Any] = shown.redact(live)
        return redacted

    def stale(self, live: dict[str, Any], differences: Sequence[str]) -> StaleCassetteError:
        """The error for a scripted host outcome the recording contradicts (also kept in ``problems``)."""
        i = (self.last_ref or 1) - 1
        lines = store.entry_lines(self._text or "")
        cassette_at = f"{self.path}:{lines[i]}" if i < len(lines) else str(self.path)
        name = live["call"]["name"]
        script = self.script_line(name) if self.script_line else None
        where = [f"API {live['api']}" if live.get("api") else "outside any API call"]
        if live.get("turn") is not None:
            where.insert(0, f"turn {live['turn']}")
        if self.scenario:
            where.insert(0, f"scenario {self.scenario}")
        parts = [
            f"stale cassette: the recorded outcome of wx.{name} contradicts the script ({', '.join(where)})",
            f"  the script:    {script or 'the device this session runs on (its scripted host APIs)'}",
            f"  the recording: {cassette_at} (entry {i + 1}, the {_nth(live['ordinal'] + 1)} wx.{name})",
            *(f"    {d}" for d in differences),
            "  the script is the truth in every mode: the cassette's HTTP was recorded under the old outcome",
        ]
        hint = (
            self.record_hint.replace("{mode}", "all")
            if self.record_hint
            else f"re-record the cassette with the service running: use_cassette({str(self.path)!r}, 'all')"
        )
        err = StaleCassetteError("\n".join(parts), file=str(self.path), line=lines[i] if i < len(lines) else None, hint=hint)
        self.problems.append(err)
        return err

    def before_live(self, live: dict[str, Any]) -> None:
        """Refuse to send ``live`` to the service when it carries a redaction placeholder.

        In ``new_episodes`` the skill may send on a value it got from a replayed response (a
        redacted token): the live service would answer for the placeholder (a 401, say), and that
        answer would be recorded as the truth.
        """
        found = placeholder_in(live["request"])
        if found is None:
            return
        path, placeholder = found
        shown = self._shown(live)["request"]
        err = RecordingError(
            f"refusing to send {shown['method']} {model.url_of(shown)} to the live service: its {path} carries "
            f"the redaction placeholder {placeholder}, a value replayed from the cassette, not a real one; "
            "the service would answer for the placeholder and the cassette would record that answer (nothing was sent)",
            file=str(self.path),
            hint=(
                self.record_hint.replace("{mode}", "all")
                if self.record_hint
                else f"re-record the whole cassette with the service running: use_cassette({str(self.path)!r}, 'all')"
            ),
        )
        self.problems.append(err)
        raise err

    def recording_failed(self, live: dict[str, Any], error: Exception) -> RecordingError:
        """The error for a request the live service did not answer while recording (connection, DNS, timeout)."""
        shown = self._shown(live)["request"]
        service = f"{shown['scheme']}://{shown['host']}"
        start = f"start the service at {service} (is it running?), then record again"
        if isinstance(error, httpx.TimeoutException):
            what, hint = "timed out", start
        elif isinstance(error, httpx.ConnectError):
            from wxreplay.host.netfail import connect_failure  # here: this method's own helper

            failure = connect_failure(error, httpx.URL(service))
            what = f"could not connect: {failure.what()}"
            if failure.kind == "dns":
                hint = (
                    f"check the host name {failure.host} in the skill's URL; if it is right, record where it resolves "
                    "(network access, VPN); replaying the cassette afterwards needs no network"
                )
            elif failure.local:
                hint = start
            else:
                hint = (
                    f"{failure.host} is an internet host: record where it is reachable (network access, VPN, proxy)"
                    + (f"; is the service at {failure.netloc} running?" if failure.kind == "refused" else "")
                    + "; replaying the cassette afterwards needs no network"
                )
        else:
            what, hint = f"failed ({type(error).__name__})", start
        err = RecordingError(
            f"recording failed: {shown['method']} {model.url_of(shown)} {what}; the service at {service} gave no "
            f"answer, so there is nothing true to record and the cassette is not saved",
            file=str(self.path),
            # A scenario that means to test the service being down scripts it instead of recording it.
            hint=f"{hint}; if the scenario tests the skill with this service down, script it: "
            f"device: network: {{refused: [{shown['host']}]}}",
        )
        self.problems.append(err)
        return err

    @contextmanager
    def api_context(self, api: str | None) -> Iterator[None]:
        """Label requests made inside the block with ``api`` (the interceptor wraps each wx.request)."""
        saved, self._api = self._api, api
        try:
            yield
        finally:
            self._api = saved

    # ---- misses --------------------------------------------------------------------------------
    def miss(self, live: dict[str, Any]) -> CassetteMissError:
        """The error for a live request the cassette cannot answer (also kept in ``misses``)."""
        what = "wx.request" if live["kind"] == "http" else "host call"
        if live["kind"] == "http":
            r = live["request"]
            kind_of = f"{r['method']} {r['host']}{r['path']}"
        else:
            kind_of = f"wx.{live['call']['name']}"
        nth = f"ordinal {live['ordinal']}: the {_nth(live['ordinal'] + 1)} {kind_of}"
        where = [f"API {live['api']}" if live.get("api") else "outside any API call", nth]
        if live.get("turn") is not None:
            where.insert(0, f"turn {live['turn']}")
        if self.scenario:
            where.insert(0, f"scenario {self.scenario}")
        if not self.exists:
            head = f"no recording: the cassette does not exist yet, and record mode {self.mode.value} replays only"
        else:
            head = f"no recording matches this {what} (record mode {self.mode.value}: nothing was sent)"
        run = run_secrets()  # the live request may carry real secrets: show it redacted
        parts = [f"{head}\n  {', '.join(where)}:", lines_for(describe_request(run.mask_data(live)), "    ")]
        if self.exists and self.index.entries:
            live_view = self.comparator.view(live)
            near = self.index.nearest(live, live_view)
            same = [i for i in near if bucket_key(self.index.entries[i]) == bucket_key(live)]
            near = same or near
            if near:
                lines = store.entry_lines(self._text or "")
                parts.append("  nearest recordings:")
                for i in near:
                    line = f"line {lines[i]}, " if i < len(lines) else ""
                    used = " — already used by an earlier identical request" if self.index.used[i] else ""
                    parts.append(f"    entry {i + 1} ({line}{label(self.index.entries[i])}){used}")
                    diff = field_diff(self.index.view_of(i), live_view)
                    parts.append(lines_for(diff or ["(no field differs: a custom matcher or the turn refused it)"], "      "))
            elif not any(e["kind"] == live["kind"] for e in self.index.entries):
                parts.append(f"  the cassette has no {what} recordings at all")
        elif self.exists:
            parts.append("  the cassette has no entries")
        fix_mode = "new_episodes" if self.exists else "once"
        hint = (
            self.record_hint.replace("{mode}", fix_mode)
            if self.record_hint
            else (
                f"record it with the service running: re-run with record mode {fix_mode}, "
                f"e.g. use_cassette({str(self.path)!r}, {fix_mode!r})"
            )
        )
        err = CassetteMissError(
            run.mask_text("\n".join(parts)),
            api=live.get("api"),
            ordinal=live.get("ordinal"),
            turn=live.get("turn"),
            file=str(self.path),
            hint=hint,
        )
        self.misses.append(err)
        self.problems.append(err)
        return err

    # ---- what the run did not use ----------------------------------------------------------------
    def unused(self) -> list[int]:
        """Indices of the recorded entries this run never used (empty unless it replayed)."""
        if not self.replaying:
            return []
        return [i for i, used in enumerate(self.index.used) if not used]

    def unused_lines(self) -> list[str]:
        """The unused entries as ``entry N (line L, what)``: for the warning after a replay."""
        return self.unused_lines_of(self.unused())

    def unused_lines_of(self, indices: Sequence[int]) -> list[str]:
        """The entries at ``indices`` as ``entry N (line L, what)``."""
        if not indices:
            return []  # the common case: no need to compose the file's YAML for its line numbers
        lines = store.entry_lines(self._text or "")
        return [f"entry {i + 1} ({f'line {lines[i]}, ' if i < len(lines) else ''}{label(self.entries[i])})" for i in indices]

    def drop(self, indices: Sequence[int]) -> int:
        """Remove the entries at ``indices`` from the file (``wxreplay prune``); the number removed.

        The file must not have changed since it was opened (another run recorded into it): then
        nothing is written and a ``CassetteError`` says to prune again. ``recorded_at`` stays (the
        remaining entries were recorded then); side files only the removed entries used are deleted.
        """
        drop = set(indices)
        if not drop:
            return 0
        with store.locked(self.path):
            if store.fingerprint(store.read_text(self.path)) != self._fingerprint:
                raise CassetteError(
                    "the cassette changed while it was being pruned (another run recorded into it); nothing was removed",
                    file=str(self.path),
                    hint="run wxreplay prune again",
                )
            kept = [e for i, e in enumerate(self.entries) if i not in drop]
            gone = [e for i, e in enumerate(self.entries) if i in drop]
            doc = {"version": model.FORMAT_VERSION, "recorded_at": self.recorded_at, "entries": kept}
            out = store.dump(doc)
            store.atomic_write(self.path, out.encode("utf-8"))
            for sha in {b for e in gone for b in _side_files(e)} - {b for e in kept for b in _side_files(e)}:
                (self.path.parent / model.side_file(self.files_dir, sha)).unlink(missing_ok=True)
            self._text, self._fingerprint, self.entries = out, store.fingerprint(out), kept
        return len(gone)

    # ---- saving --------------------------------------------------------------------------------
    def settle(self, passed: bool, *, xfail_declared: bool = False) -> bool:
        """The one save policy of every wiring (runner, CLI, ``use_cassette``, ``wx_session``); ``True`` if saved.

        Saved only when the run passed, or when an ``xfail`` run failed at an expectation it
        declares (``xfail_declared``) — never after a cassette problem this run raised (a miss, a
        stale host outcome, a connection error while recording, a refused placeholder): that
        traffic is partial or untrue, and a failing run keeps the file as it was.
        """
        if self.problems or not (passed or xfail_declared):
            return False
        return self.save()

    def save(self) -> bool:
        """Write what this run recorded (redacted, scanned, atomically); ``True`` if the file changed.

        Nothing is written in a replay-only mode or when nothing new was recorded. Re-recording
        traffic identical to the file's leaves the file (and its ``recorded_at``) untouched. Under
        an OS lock on the cassette's folder (:func:`store.locked`) the file is read again, so entries that concurrent writers
        (pytest-xdist workers) saved meanwhile are kept, and entries they also recorded are not
        doubled.
        """
        if not self.recording or (not self.new_entries and self.mode is not RecordMode.ALL):
            return False
        with store.locked(self.path):
            text = store.read_text(self.path)
            changed = store.fingerprint(text) != self._fingerprint
            disk: list[dict[str, Any]] | None = self.entries if self._readable else None
            if changed:  # another writer saved since we read it: merge with what is there now
                disk = store.parse(text, str(self.path))[1] if text is not None else []
            if self.mode is RecordMode.ALL and not changed:
                base: list[dict[str, Any]] = []
            else:
                base = disk if changed and disk is not None else self.entries
            if changed:  # numbering goes on from what is on disk now
                redactor = Redactor(self.rules)
                redactor.seed(base)
                run_secrets().attach(redactor)
            else:  # the placeholders this run already showed (snapshots, output) are the ones written
                redactor = self._redactor
            fresh = redactor.redact_entries(self.new_entries)
            if changed and disk is not None:
                fresh = _minus(fresh, disk)
            entries = [*base, *fresh]
            if text is not None and disk is not None and entries == disk:
                return False
            recorded_at = _now_iso()
            doc = {"version": model.FORMAT_VERSION, "recorded_at": recorded_at, "entries": entries}
            out = store.dump(doc)
            hits = scan_cassette_text(out, str(self.path), rules=self.rules)
            if hits:
                first = hits[0]
                message, hint = hits_error(hits, "the cassette", located=True)
                raise CassetteError(
                    run_secrets().mask_text(message) + "; the existing file is unchanged",
                    file=str(self.path),
                    line=first.line,
                    column=first.column,
                    hint=hint,
                )
            for sha, data in self._blobs.items():
                target = self.path.parent / model.side_file(self.files_dir, sha)
                if any(_uses(e, sha) for e in fresh) and not target.exists():
                    store.atomic_write(target, data)
            store.remove_stale_temps(self.path)
            store.atomic_write(self.path, out.encode("utf-8"))
            self._text, self._fingerprint = out, store.fingerprint(out)
            self.exists = True
            self.recorded_at = recorded_at
            self.entries = entries
            self.new_entries = []
            return True


def _plain_json(value: Any) -> Any:
    """``value`` as the skill receives it: JSON data (a handler's tuples, datetimes ... become JSON)."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def _nth(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _minus(mine: list[dict[str, Any]], theirs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``mine`` without entries ``theirs`` already has (as multisets: each of theirs cancels one of mine)."""
    left = list(theirs)
    out = []
    for e in mine:
        if e in left:
            left.remove(e)
        else:
            out.append(e)
    return out


def _side_files(entry: dict[str, Any]) -> set[str]:
    if entry["kind"] != "http":
        return set()
    return {str(b["sha256"]) for part in ("request", "response") if "sha256" in (b := entry[part].get("body") or {})}


def _uses(entry: dict[str, Any], sha256: str) -> bool:
    if entry["kind"] != "http":
        return False
    return any((entry[part].get("body") or {}).get("sha256") == sha256 for part in ("request", "response"))


@contextmanager
def use_cassette(
    path: str | Path,
    mode: RecordMode | str = RecordMode.NONE,
    *,
    rules: RedactionRules | None = None,
    match: MatchRules | None = None,
    matchers: Sequence[Matcher] = (),
) -> Iterator[Cassette]:
    """The ``Cassette`` at ``path`` for ``Session(project, cassette=...)``; saved when the block ends without error.

    ``Cassette.settle`` is the policy: a block that raised, or that met a cassette problem the
    code under test swallowed, leaves the file untouched.
    """
    cassette = Cassette.open(path, mode, rules=rules, match=match, matchers=matchers)
    yield cassette
    cassette.settle(passed=True)
