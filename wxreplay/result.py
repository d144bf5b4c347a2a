"""The result of one atomic API call, checked against the platform's return format (spec 4)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import jsonschema

from wxreplay import serialize
from wxreplay.content_echo import repeated_structure
from wxreplay.errors import ArgumentsError, ProjectError, ResultError
from wxreplay.findings import Finding
from wxreplay.project import ApiDecl

LIMIT_BYTES = 200 * 1024  # content / structuredContent / _meta, each ([INT])


class HostEvent:
    """One ``wx`` host call as the skill made it: name, arguments and outcome.

    A storage read records the stored JSON text, not a copy of the value (issue 16): ``outcome``
    decodes it on first read, so a value read on every call is decoded only when something looks.
    """

    __slots__ = ("_outcome", "_outcome_text", "api", "args", "cassette_ref", "context", "index", "name", "ok")

    def __init__(
        self,
        index: int,
        name: str,
        context: str,
        args: Any,
        outcome: Any = None,
        ok: bool | None = None,
        api: str | None = None,
        cassette_ref: int | None = None,  # the cassette entry (1-based) that answered it in replay
    ) -> None:
        self.index = index
        self.name = name
        self.context = context
        self.args = args
        self._outcome = outcome
        self._outcome_text: str | None = None
        self.ok = ok
        self.api = api
        self.cassette_ref = cassette_ref

    @property
    def outcome(self) -> Any:
        """What the call returned (or failed with), as JSON data."""
        if self._outcome_text is not None:  # still the recorded JSON text: decode it once
            self._outcome = json.loads(self._outcome_text)
            self._outcome_text = None
        return self._outcome

    @outcome.setter
    def outcome(self, value: Any) -> None:
        self._outcome = value
        self._outcome_text = None

    def set_outcome_text(self, text: str) -> None:
        """Take the outcome as the JSON ``text`` it was recorded as; ``ok`` follows from it as from a value."""
        self._outcome, self._outcome_text = None, text
        # Only an object with an errMsg can make a synchronous call's outcome a failure, and such an
        # object's text holds the key: other texts need no decoding to tell.
        self.ok = True if '"errMsg"' not in text else sync_ok(self.outcome)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]  # mutable, like the dataclass it replaced

    def _fields(self) -> tuple[Any, ...]:
        return (self.index, self.name, self.context, self.args, self.outcome, self.ok, self.api, self.cassette_ref)

    def __repr__(self) -> str:
        names = ("index", "name", "context", "args", "outcome", "ok", "api", "cassette_ref")
        return "HostEvent(" + ", ".join(f"{n}={v!r}" for n, v in zip(names, self._fields(), strict=True)) + ")"

    def to_dict(self) -> dict[str, Any]:
        """name, context, args, api (when known), ok, outcome."""
        return serialize.host_event(self)


def sync_ok(outcome: Any) -> bool:
    """Whether a synchronous host call's recorded outcome is a success (no ``errMsg`` saying ``fail``)."""
    return not (isinstance(outcome, dict) and "fail" in str(outcome.get("errMsg", "")))


@dataclass
class LogLine:
    """One ``console.*`` line from an execution context."""

    level: str
    text: str
    context: str
    api: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """level, context, text, api."""
        return serialize.log_line(self)


@dataclass
class CallResult:
    """What an atomic API returned, plus what happened while it ran."""

    api: str
    arguments: dict[str, Any]
    raw: dict[str, Any]
    is_error: bool
    content: list[dict[str, Any]]
    structured_content: dict[str, Any] | None
    meta: dict[str, Any] | None
    handoff: dict[str, Any] | None
    api_calls: list[dict[str, Any]]
    session_id: str
    virtual_ms: int
    findings: list[Finding] = field(default_factory=list)
    logs: list[LogLine] = field(default_factory=list)
    host_events: list[HostEvent] = field(default_factory=list)

    @classmethod
    def from_raw(
        cls,
        decl: ApiDecl,
        api: str,
        arguments: dict[str, Any],
        raw: dict[str, Any],
        *,
        session_id: str,
        virtual_ms: int,
        findings: list[Finding],
        logs: list[LogLine] | None = None,
        host_events: list[HostEvent] | None = None,
    ) -> CallResult:
        """The result of ``api`` from its raw return value, already passed through :func:`check_result`
        (the session's calls and ``wxreplay render --result`` build it the same way)."""
        return cls(
            api=api,
            arguments=arguments,
            raw=raw,
            is_error=bool(raw.get("isError", False)),
            content=raw["content"],
            structured_content=raw.get("structuredContent"),
            meta=raw.get("_meta"),
            handoff=handoff_of(decl, raw),
            api_calls=list(raw.get("apiCalls") or []),
            session_id=session_id,
            virtual_ms=virtual_ms,
            findings=findings,
            logs=[] if logs is None else logs,
            host_events=[] if host_events is None else host_events,
        )

    @property
    def text(self) -> str:
        """All ``content`` text blocks joined by newlines."""
        return "\n".join(str(b.get("text", "")) for b in self.content)

    def to_dict(self) -> dict[str, Any]:
        """The result as the platform would see it, plus wxreplay's observations."""
        return serialize.call_result(self)


def _size(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def _path(parts: Any) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


_VALIDATORS: dict[int, tuple[dict[str, Any], Any]] = {}


def schema_validator(schema: dict[str, Any], *, what: str, api: str, file: str | None) -> Any:
    """A validator for ``schema``, checked and made once per schema object (checking a schema costs far more
    than validating against it); a broken schema is a :class:`ProjectError` (the skill's mistake), not a crash.
    """
    hit = _VALIDATORS.get(id(schema))
    if hit is not None and hit[0] is schema:
        return hit[1]
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)
    try:
        cls.check_schema(schema)
    except jsonschema.SchemaError as e:
        where = _path(e.absolute_path) or "(top level)"
        raise ProjectError(
            f"the {what} of {api} is not a valid JSON Schema: {where}: {e.message}",
            file=file,
            hint='fix it in mcp.json; types are "object", "string", "number", "integer", "boolean", "array", "null"',
        ) from None
    validator = cls(schema)
    if len(_VALIDATORS) > 256:
        _VALIDATORS.clear()
    _VALIDATORS[id(schema)] = (schema, validator)
    return validator


def validate_arguments(decl: ApiDecl, args: Any, *, file: str | None = None) -> None:
    """Check ``args`` against the API's ``inputSchema``; raise naming every bad field."""
    if not isinstance(args, dict):
        raise ArgumentsError(
            f"arguments of {decl.name} must be a JSON object, got {type(args).__name__}",
            api=decl.name,
            file=file,
            hint='pass an object, e.g. --args \'{"keyword": "拿铁"}\'',
        )
    validator = schema_validator(decl.input_schema, what="inputSchema", api=decl.name, file=file)
    errors = sorted(validator.iter_errors(args), key=lambda e: list(e.absolute_path))
    if not errors:
        return
    lines = []
    for e in errors:
        where = _path(e.absolute_path) or "(top level)"
        lines.append(f"{where}: {e.message}")
    props = sorted((decl.input_schema.get("properties") or {}).keys())
    raise ArgumentsError(
        f"arguments of {decl.name} do not match its inputSchema:\n  " + "\n  ".join(lines),
        api=decl.name,
        file=file,
        hint=f"{decl.name} takes {', '.join(props) if props else 'no arguments'}"
        + (f" (required: {', '.join(decl.input_schema.get('required', []))})" if decl.input_schema.get("required") else ""),
    )


def check_result(decl: ApiDecl, raw: Any, *, mcp_file: str | None) -> tuple[dict[str, Any], list[Finding]]:
    """Check the shape and limits of a result; schema mismatches become findings, not errors."""
    name = decl.name
    if not isinstance(raw, dict):
        raise ResultError(
            f"{name} returned {json.dumps(raw, ensure_ascii=False)[:80]}; an atomic API must return an object "
            "like { content: [{ type: 'text', text }] }",
            api=name,
            hint="return { isError: false, content: [{ type: 'text', text: '...' }], structuredContent }",
        )
    findings: list[Finding] = []
    content = raw.get("content")
    if not isinstance(content, list):
        raise ResultError(
            f"{name} returned no content array (content is {json.dumps(content, ensure_ascii=False)[:60]}); "
            "content is required and holds text blocks",
            api=name,
            hint="add content: [{ type: 'text', text: '<fact>. <next action>' }]",
        )
    for i, block in enumerate(content):
        if not isinstance(block, dict) or block.get("type") != "text" or not isinstance(block.get("text"), str):
            raise ResultError(
                f"{name} returned content[{i}] = {json.dumps(block, ensure_ascii=False)[:80]}; only "
                "{ type: 'text', text: string } blocks are supported",
                api=name,
                hint="put images and other data in structuredContent or _meta",
            )
    for key in ("content", "structuredContent", "_meta"):
        if key in raw and raw[key] is not None:
            size = _size(raw[key])
            if size > LIMIT_BYTES:
                raise ResultError(
                    f"{name} returned {key} of {size:,} bytes; the platform limit is {LIMIT_BYTES:,} bytes (200 KB)",
                    api=name,
                    hint=f"trim {key}; move render-only data to _meta or fetch it in the card",
                )
    sc = raw.get("structuredContent")
    if sc is not None and not isinstance(sc, dict):
        raise ResultError(f"{name} returned structuredContent that is not an object", api=name)
    if "isError" in raw and not isinstance(raw["isError"], bool):
        findings.append(Finding("isError-type", f"isError is {raw['isError']!r}, not a boolean", api=name))
    if decl.component_path and sc and not raw.get("isError"):
        echo = repeated_structure("\n".join(b["text"] for b in content), sc)
        if echo:
            findings.append(
                Finding(
                    "content-repeats-structured",
                    f"{name}'s content text {echo}: its card shows the data; say what happened and what to do next "
                    "(spec 9.3.35, 9.3.39)",
                    api=name,
                )
            )
    if decl.output_schema and sc is not None and not raw.get("isError"):
        try:
            validator = schema_validator(decl.output_schema, what="outputSchema", api=name, file=mcp_file)
        except ProjectError as broken:  # like a mismatch, a broken outputSchema is reported, not fatal
            return raw, [*findings, Finding("output-schema", broken.message, api=name, file=mcp_file)]
        for e in sorted(validator.iter_errors(sc), key=lambda e: list(e.absolute_path)):
            findings.append(
                Finding(
                    "output-schema",
                    f"structuredContent{'.' + _path(e.absolute_path) if e.absolute_path else ''}: "
                    f"{e.message} (outputSchema of {name})",
                    api=name,
                    file=mcp_file,
                )
            )
    return raw, findings


def js_string(value: Any) -> str:
    """A query value as the skill's JavaScript would write it (true, not True; objects as JSON; null as "")."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return "" if value is None else str(value)


def _uri(text: str) -> str:
    """``encodeURIComponent``: spaces as %20 (not +), UTF-8 escapes."""
    return quote(text, safe="-_.!~*'()")


def handoff_of(decl: ApiDecl, raw: dict[str, Any]) -> dict[str, Any] | None:
    """The handoff with the URL the relay page would open (``pagePath`` or ``handoff.path`` + query)."""
    h = raw.get("handoff")
    if not isinstance(h, dict):
        return None
    out = dict(h)
    lazy = bool(out.pop("__lazy", False))
    query = out.get("query")
    if isinstance(query, dict):  # [GEN] object form
        query = "&".join(f"{_uri(str(k))}={_uri(js_string(v))}" for k, v in query.items() if v is not None)
    path = out.get("path") or decl.page_path
    if path:
        out["url"] = path + (f"?{query}" if query else "")
    if lazy:
        out["lazy"] = True
    return out
