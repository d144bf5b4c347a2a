"""The cassette's data: entries as plain dicts in the file's shape, and their checks.

An entry is exactly what is written to YAML (key order included), so redaction, matching and the
store all work on one representation::

    kind: http                      # or host
    turn: null                      # set by the conversation runner
    api: searchDrinks               # the atomic API running when the request was made
    ordinal: 0                      # n-th request of this (api, method+host+path) / (api, host-call name)
    request: {method, scheme, host, path, query: {name: [values]}, headers: {name: value}, body}
    response: {status, headers, body}
    # kind: host has call: {name, args} and outcome: {ok, value[, diagnostic]} instead

A body is ``null`` (empty), ``{json: <structured>}``, ``{text: <str>}`` or, for bytes that are not
UTF-8 text, ``{sha256: <hex>, bytes: <n>}``: the bytes are in the side file
``<cassette name>.files/<sha256>.bin`` beside the cassette (the YAML names the digest, not the path,
so the secret scanner reads it as the checksum it is).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl

import httpx

FORMAT_VERSION = 1

# Headers httpx adds by itself: they say nothing about the skill and differ between machines
# (accept-encoding depends on the installed codecs), so they are neither recorded nor matched.
# (A client with a transport of its own: the default one would build an SSL context, ~0.1 s per process.)
_CLIENT_DEFAULTS: dict[str, str] = dict(httpx.Client(transport=httpx.BaseTransport(), trust_env=False).headers.items())
_DERIVED_REQUEST_HEADERS = frozenset({"host", "content-length", "transfer-encoding"})
# Response headers that describe the transfer rather than the content (the body is stored
# decoded), plus ``date``, which changes on every run and would make re-recording unstable.
DROPPED_RESPONSE_HEADERS = frozenset(
    {"content-length", "content-encoding", "transfer-encoding", "connection", "keep-alive", "date"}
)


class InvalidCassette(Exception):
    """A loaded document breaks the format at ``path`` (keys/indices from the root)."""

    def __init__(self, path: tuple[str | int, ...], message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.message = message
        self.hint = hint


# ---- building entries ------------------------------------------------------------------------------
def _headers(
    items: Iterable[tuple[str, str]],
    drop: Iterable[str] = (),
    defaults: Mapping[str, str] | None = None,
) -> dict[str, str | list[str]]:
    dropped = set(drop)
    out: dict[str, str | list[str]] = {}
    for raw_name, value in items:
        name = raw_name.lower()
        if name in dropped or (defaults is not None and defaults.get(name) == value):
            continue
        have = out.get(name)
        if have is None:
            out[name] = value
        elif isinstance(have, list):
            have.append(value)
        else:
            out[name] = [have, value]
    return {k: out[k] for k in sorted(out)}


def split_query(raw: bytes | str) -> dict[str, list[str]]:
    """``a=1&b=x&a=2`` as ``{a: [1, 2], b: [x]}`` (percent-decoded, order of first appearance)."""
    text = raw.decode("ascii", "replace") if isinstance(raw, bytes) else raw
    out: dict[str, list[str]] = {}
    for k, v in parse_qsl(text, keep_blank_values=True):
        out.setdefault(k, []).append(v)
    return out


def _is_json_type(content_type: str | None) -> bool:
    ct = (content_type or "").split(";", 1)[0].strip().lower()
    return ct == "application/json" or ct.endswith("+json") or ct == "text/json"


def side_file(files_dir: str, sha256: str) -> str:
    """The side file of a binary body, relative to the cassette's directory."""
    return f"{files_dir}/{sha256}.bin"


def encode_body(content: bytes, content_type: str | None) -> tuple[dict[str, Any] | None, bytes | None]:
    """The body field for ``content`` and, for binary content, the side file's bytes."""
    if not content:
        return None, None
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and "\x00" not in text:
        stripped = text.lstrip()
        if _is_json_type(content_type) or (not content_type and stripped[:1] in ("{", "[")):
            try:
                value = json.loads(text)
            except ValueError:
                value = None
            else:
                if isinstance(value, (dict, list)):
                    return {"json": value}, None
        return {"text": text}, None
    return {"sha256": hashlib.sha256(content).hexdigest(), "bytes": len(content)}, content


def decode_body(body: Mapping[str, Any] | None, read_file: Any = None) -> bytes:
    """The bytes a body field stands for (``read_file(sha256) -> bytes`` serves side files)."""
    if body is None:
        return b""
    if "json" in body:
        return json.dumps(body["json"], ensure_ascii=False).encode("utf-8")
    if "text" in body:
        return str(body["text"]).encode("utf-8")
    data: bytes = read_file(str(body["sha256"]))
    return data


def request_fields(request: httpx.Request) -> tuple[dict[str, Any], bytes | None]:
    """``request`` as the entry's ``request`` mapping (and a side file's bytes, if binary)."""
    url = request.url
    content = request.read()
    body, blob = encode_body(content, request.headers.get("content-type"))
    host = url.host if url.port is None else f"{url.host}:{url.port}"
    return {
        "method": request.method.upper(),
        "scheme": url.scheme,
        "host": host,
        "path": url.path,
        "query": split_query(url.query),
        "headers": _headers(request.headers.multi_items(), _DERIVED_REQUEST_HEADERS, _CLIENT_DEFAULTS),
        "body": body,
    }, blob


def response_fields(response: httpx.Response) -> tuple[dict[str, Any], bytes | None]:
    """A fully read ``response`` as the entry's ``response`` mapping (and a side file's bytes)."""
    body, blob = encode_body(response.content, response.headers.get("content-type"))
    return {
        "status": response.status_code,
        "headers": _headers(response.headers.multi_items(), DROPPED_RESPONSE_HEADERS),
        "body": body,
    }, blob


def http_entry(
    request: dict[str, Any], response: dict[str, Any], *, turn: int | None, api: str | None, ordinal: int
) -> dict[str, Any]:
    """A ``kind: http`` entry, keys in file order."""
    return {"kind": "http", "turn": turn, "api": api, "ordinal": ordinal, "request": request, "response": response}


def host_entry(
    name: str, args: Any, ok: bool, value: Any, diagnostic: str | None, *, turn: int | None, api: str | None, ordinal: int
) -> dict[str, Any]:
    """A ``kind: host`` entry (a ``wx`` host call and its outcome), keys in file order."""
    outcome: dict[str, Any] = {"ok": ok, "value": value}
    if diagnostic:
        outcome["diagnostic"] = diagnostic
    return {
        "kind": "host",
        "turn": turn,
        "api": api,
        "ordinal": ordinal,
        "call": {"name": name, "args": args},
        "outcome": outcome,
    }


def build_response(fields: Mapping[str, Any], request: httpx.Request, read_file: Any = None) -> httpx.Response:
    """The httpx response a recorded ``response`` mapping stands for."""
    headers: list[tuple[str, str]] = []
    for name, value in fields["headers"].items():
        for v in value if isinstance(value, list) else [value]:
            headers.append((name, str(v)))
    return httpx.Response(int(fields["status"]), headers=headers, content=decode_body(fields["body"], read_file), request=request)


def _q(text: str) -> str:
    return "".join(c if c not in _QUOTED else f"%{ord(c):02X}" for c in str(text))


_QUOTED = frozenset("%&=#+ \t\n")


def url_of(request: Mapping[str, Any]) -> str:
    """The URL of a recorded ``request`` mapping, readable (non-ASCII left as is)."""
    query = "&".join(f"{_q(k)}={_q(v)}" for k, vs in request["query"].items() for v in (vs if isinstance(vs, list) else [vs]))
    return f"{request['scheme']}://{request['host']}{request['path']}" + (f"?{query}" if query else "")


# ---- checking loaded documents ---------------------------------------------------------------------
_BODY_KEYS = ("json", "text", "sha256")


def check_document(doc: Any) -> tuple[str | None, list[dict[str, Any]]]:
    """``(recorded_at, entries)`` of a parsed cassette, or ``InvalidCassette`` at the bad spot."""
    fix = "re-record it (--record all) or restore it from version control"
    if doc is None:
        raise InvalidCassette((), "the cassette is empty", fix)
    if not isinstance(doc, dict):
        raise InvalidCassette((), f"a cassette is a mapping with version, recorded_at and entries, not a {_kind(doc)}", fix)
    if "version" not in doc:
        raise InvalidCassette((), "no 'version' field: this is not a wxreplay cassette (or its head was cut off)", fix)
    version = doc["version"]
    if version != FORMAT_VERSION:
        if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
            raise InvalidCassette(
                ("version",),
                f"format version {version} was written by a newer wxreplay; this one reads version {FORMAT_VERSION}",
                "upgrade wxreplay, or re-record with this one (--record all)",
            )
        raise InvalidCassette(
            ("version",),
            f"unsupported format version {version!r} (this wxreplay reads {FORMAT_VERSION})",
            f"set 'version: {FORMAT_VERSION}' if the file is in this format, else re-record it",
        )
    recorded_at = doc.get("recorded_at")
    if recorded_at is not None and not isinstance(recorded_at, str):
        raise InvalidCassette(
            ("recorded_at",),
            f"recorded_at must be an ISO timestamp string, got {recorded_at!r}",
            "quote it: recorded_at: '2025-01-01T00:00:00Z'",
        )
    if "entries" not in doc:
        raise InvalidCassette((), "no 'entries' list: the file looks truncated", fix)
    entries = doc["entries"]
    if entries is None:
        entries = []
    if not isinstance(entries, list):
        raise InvalidCassette(("entries",), f"'entries' must be a list, not a {_kind(entries)}", fix)
    for i, entry in enumerate(entries):
        _check_entry(("entries", i), entry)
    return recorded_at, entries


def _kind(v: Any) -> str:
    return {dict: "mapping", list: "list", str: "string", type(None): "null"}.get(type(v), type(v).__name__)


def _need(where: tuple[str | int, ...], m: Any, key: str, types: type | tuple[type, ...], what: str) -> Any:
    if not isinstance(m, dict) or key not in m:
        raise InvalidCassette(
            where,
            f"{what} has no '{key}' (the file may be truncated)",
            "re-record it (--record all) or restore it from version control",
        )
    v = m[key]
    if not isinstance(v, types) or (isinstance(v, bool) and types is int):
        raise InvalidCassette((*where, key), f"'{key}' of {what} must be a {_tname(types)}, got {v!r}")
    return v


def _tname(types: type | tuple[type, ...]) -> str:
    ts = types if isinstance(types, tuple) else (types,)
    return " or ".join(
        {dict: "mapping", list: "list", str: "string", int: "number", bool: "boolean", type(None): "null"}.get(t, t.__name__)
        for t in ts
    )


def _check_entry(where: tuple[str | int, ...], e: Any) -> None:
    n = int(where[-1]) + 1
    what = f"entry {n}"
    if not isinstance(e, dict):
        raise InvalidCassette(where, f"{what} must be a mapping, got {e!r}")
    kind = _need(where, e, "kind", str, what)
    for key in ("turn", "ordinal"):
        if e.get(key) is not None and (not isinstance(e[key], int) or isinstance(e[key], bool)):
            raise InvalidCassette((*where, key), f"'{key}' of {what} must be a number or null, got {e[key]!r}")
    if e.get("api") is not None and not isinstance(e["api"], str):
        raise InvalidCassette((*where, "api"), f"'api' of {what} must be a string or null, got {e['api']!r}")
    if kind == "http":
        req = _need(where, e, "request", dict, what)
        rw = (*where, "request")
        for key in ("method", "scheme", "host", "path"):
            _need(rw, req, key, str, f"the request of {what}")
        query = req.setdefault("query", {})
        if query is None:
            req["query"] = query = {}
        if not isinstance(query, dict):
            raise InvalidCassette((*rw, "query"), f"the query of {what} must be a mapping of name -> [values]")
        for k, vs in list(query.items()):
            query[k] = [str(v) for v in vs] if isinstance(vs, list) else [str(vs)]
        _check_headers(rw, req, what)
        _check_body(rw, req, what)
        resp = _need(where, e, "response", dict, what)
        pw = (*where, "response")
        _need(pw, resp, "status", int, f"the response of {what}")
        _check_headers(pw, resp, what)
        _check_body(pw, resp, what)
    elif kind == "host":
        call = _need(where, e, "call", dict, what)
        _need((*where, "call"), call, "name", str, f"the call of {what}")
        call.setdefault("args", None)
        out = _need(where, e, "outcome", dict, what)
        _need((*where, "outcome"), out, "ok", bool, f"the outcome of {what}")
        out.setdefault("value", None)
    else:
        raise InvalidCassette((*where, "kind"), f"unknown kind {kind!r} of {what} (valid: http, host)")


def _check_headers(where: tuple[str | int, ...], m: dict[str, Any], what: str) -> None:
    h = m.get("headers")
    if h is None:
        m["headers"] = {}
        return
    if not isinstance(h, dict):
        raise InvalidCassette((*where, "headers"), f"headers of {what} must be a mapping of name -> value")


def _check_body(where: tuple[str | int, ...], m: dict[str, Any], what: str) -> None:
    body = m.get("body")
    if body is None:
        m["body"] = None
        return
    keys = [k for k in _BODY_KEYS if isinstance(body, dict) and k in body]
    if len(keys) != 1:
        raise InvalidCassette(
            (*where, "body"),
            f"the body of {what} must be null or a mapping with one of json, text, sha256",
            "write body: {json: ...}, body: {text: ...} or body: {sha256: <digest of the side file>}",
        )
    if keys == ["text"] and not isinstance(body["text"], str):
        raise InvalidCassette((*where, "body", "text"), f"a text body of {what} must be a string")
    if keys == ["sha256"] and (not isinstance(body["sha256"], str) or re.fullmatch(r"[0-9a-f]{64}", body["sha256"]) is None):
        raise InvalidCassette((*where, "body", "sha256"), f"the sha256 of the binary body of {what} must be 64 hex digits")
