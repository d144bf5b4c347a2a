"""``wx.cloud``: an in-memory cloud environment per device (functions, database, storage, AI).

Every ``wx.cloud`` request from JavaScript arrives as one host call (``cloud.callFunction``,
``cloud.database`` ...), so it shows in the host events and can be recorded and replayed like any
other. Functions and AI replies are scripted (a value, a list consumed call by call, ``{"fail":
...}``, or a Python callable); the database is a small real query engine over plain dicts. Values
that are dates travel as ``{"$date": ms}``; the JS side turns them back into ``Date``.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from wxreplay.errors import WxReplayError
from wxreplay.host.base import Handler, HostCall, HostOutcome
from wxreplay.host.cloud_db import (
    CloudQueryError,
    apply_update,
    json_equal,
    matches,
    plain_data,
    project,
    resolve_server_dates,
    sort_docs,
)

FAKE_OPENID = "oWxReplayFakeOpenid000000000"  # 28 characters, like a real openid
DEFAULT_ENV = "wxreplay-env-0a1b2c"
TEMP_URL_BASE = "https://tcb.wxreplay.invalid/"
CLIENT_GET_LIMIT = 20  # the mini program side gets at most 20 records per query ([cloud docs])

CloudFunction = Callable[[dict[str, Any], HostCall], Any]
"""A local stand-in for a cloud function: ``(data, call) -> result``; raising fails the call."""

_MISSING = object()

# Where a cloud set-up is written, for the "nothing scripted" diagnostics (the CLI adds the exact --device JSON).
_DEVICE_FORMS = "a scenario's device: {cloud: ...}, --device '{\"cloud\": ...}' for wxreplay call/render"


@dataclass
class CloudState:
    """The cloud environment of one device; like storage it outlives sessions on that device.

    ``collections`` seeds the database: ``{"products": [{"_id": "p1", ...}, ...]}``. A collection
    must exist (an empty list will do) before it is used, as on the real cloud; documents without
    ``_id`` get a stable one. ``functions`` scripts cloud functions by name: a result value, a list
    of results consumed call by call (the last one repeats), ``{"fail": errMsg, "errCode": n}``, or
    a callable ``(data, call) -> result``. ``files`` are the stored files by ``fileID``. ``ai``
    scripts ``wx.cloud.extend.AI`` replies by model name (``"*"`` for any model): a text, ``{"text":
    ...}``, ``{"chunks": [...]}`` (for ``streamText``), ``{"fail": ...}``, a callable ``(params,
    call) -> text``, or a list of those consumed call by call.
    """

    collections: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    functions: dict[str, Any] = field(default_factory=dict)
    files: dict[str, Any] = field(default_factory=dict)
    ai: dict[str, Any] = field(default_factory=dict)
    env: str = DEFAULT_ENV  # used when the skill does not name one (or calls before init)
    openid: str = FAKE_OPENID

    def __post_init__(self) -> None:
        seeded: dict[str, list[dict[str, Any]]] = {}
        for name, docs in self.collections.items():
            if not isinstance(docs, list) or not all(isinstance(d, dict) for d in docs):
                raise WxReplayError(
                    f"cloud collection {name!r} must be a list of documents (dicts), got {type(docs).__name__}",
                    hint=f"write collections={{{name!r}: [{{'_id': 'a1', ...}}]}} (an empty list creates an empty collection)",
                )
            out = []
            for i, doc in enumerate(docs):
                d = _normalise(copy.deepcopy(doc))
                d.setdefault("_id", hashlib.sha256(f"seed:{name}:{i}".encode()).hexdigest()[:32])
                out.append(d)
            seeded[name] = out
        self.collections = seeded
        self.files = dict(self.files)
        self._calls: dict[str, int] = {}
        self._ids = 0

    def next_script(self, key: str, spec: Any) -> Any:
        """The scripted entry for this call: lists are consumed call by call, the last repeats."""
        if isinstance(spec, list):
            i = self._calls.get(key, 0)
            self._calls[key] = i + 1
            return spec[min(i, len(spec) - 1)] if spec else None
        return spec

    def new_id(self, seed: int) -> str:
        """A 32-hex-character document id, stable for a device seed and creation order."""
        self._ids += 1
        return hashlib.sha256(f"{seed}:doc:{self._ids}".encode()).hexdigest()[:32]


def handlers(
    state: CloudState,
    *,
    seed: int,
    clock: Callable[[], int],
    functions: Mapping[str, CloudFunction] | None = None,
) -> dict[str, Handler]:
    """The ``cloud.*`` host handlers over ``state``; ``functions`` override scripted functions."""
    host = _CloudHost(state, seed, clock, dict(functions or {}))
    return {
        "cloud.callFunction": host.call_function,
        "cloud.callHTTPFunction": host.call_http_function,
        "cloud.database": host.database,
        "cloud.getTempFileURL": host.get_temp_file_url,
        "cloud.uploadFile": host.upload_file,
        "cloud.downloadFile": host.download_file,
        "cloud.deleteFile": host.delete_file,
        "cloud.ai.generateText": host.generate_text,
        "cloud.ai.streamText": host.stream_text,
    }


def _fail(name: str, code: int, reason: str, diagnostic: str | None = None) -> HostOutcome:
    return HostOutcome(False, {"errMsg": f"{name}:fail {reason}", "errCode": code}, diagnostic)


def _ok(name: str, value: dict[str, Any]) -> HostOutcome:
    return HostOutcome(True, {**value, "errMsg": f"{name}:ok"})


def _args(call: HostCall) -> dict[str, Any]:
    return call.args if isinstance(call.args, dict) else {}


class _CloudHost:
    def __init__(self, state: CloudState, seed: int, clock: Callable[[], int], functions: dict[str, CloudFunction]) -> None:
        self.state = state
        self.seed = seed
        self.clock = clock
        self.functions = functions

    def _env(self, a: dict[str, Any]) -> str:
        return str(a.get("env") or self.state.env)

    def _request_id(self, call: HostCall) -> str:
        h = hashlib.sha256(f"{self.seed}:{call.name}:{call.ordinal}".encode()).hexdigest()
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"

    # ---- functions ---------------------------------------------------------------------------
    def _function(self, call: HostCall, data: Any) -> tuple[bool, Any, int, str | None]:
        """Run the scripted or local function: (ok, result or errMsg reason, errCode, diagnostic)."""
        a = _args(call)
        name = str(a.get("name"))
        spec: Any = self.functions.get(name, _MISSING)
        if spec is _MISSING:
            spec = self.state.functions.get(name, _MISSING)
        if spec is _MISSING:
            api = "callFunction" if call.name == "cloud.callFunction" else "callHTTPFunction"
            reason = f"-501000 [ResourceNotFound] FunctionName parameter could not be found: {name} (env {self._env(a)})"
            return (
                False,
                reason,
                -501000,
                f"wx.cloud.{api}({{ name: {name!r} }}) has nothing scripted; give {name!r} a result, a list of results or "
                f"{{fail: errMsg}} in the device's cloud.functions: {_DEVICE_FORMS}, or in Python Device(cloud=CloudState("
                f"functions={{{name!r}: <result | [results...] | {{'fail': errMsg}} | callable(data, call)>}})) "
                f"or Session(..., cloud_functions={{{name!r}: fn}})",
            )
        spec = self.state.next_script(f"fn:{name}", spec)
        if callable(spec):
            try:
                result = spec(copy.deepcopy(data), call)
            except Exception as e:
                return (
                    False,
                    f"-404011 cloud function execution error: {type(e).__name__}: {e}",
                    -404011,
                    f"the local cloud function {name!r} raised {type(e).__name__}: {e}",
                )
        elif isinstance(spec, dict) and "fail" in spec:
            return False, str(spec["fail"]), int(spec.get("errCode", -1)), None
        else:
            result = copy.deepcopy(spec)
        try:
            return True, json.loads(json.dumps(result, ensure_ascii=False, default=_json_default)), 0, None
        except (TypeError, ValueError) as e:
            return (
                False,
                f"-404011 cloud function execution error: result is not JSON ({e})",
                -404011,
                f"cloud function {name!r} returned a value that is not JSON-serialisable: {e}",
            )

    def call_function(self, call: HostCall) -> HostOutcome:
        a = _args(call)
        ok, value, code, diag = self._function(call, a.get("data") if a.get("data") is not None else {})
        if not ok:
            return _fail(call.name, code, value, diag)
        return _ok(call.name, {"result": value, "requestID": self._request_id(call)})

    def call_http_function(self, call: HostCall) -> HostOutcome:
        a = _args(call)
        request = {k: a.get(k) for k in ("path", "method", "header", "data")}
        ok, value, code, diag = self._function(call, request)
        if not ok:
            return _fail(call.name, code, value, diag)
        if isinstance(value, dict) and "statusCode" in value:
            resp = {"statusCode": value["statusCode"], "header": value.get("header") or {}, "data": value.get("data")}
        else:
            resp = {"statusCode": 200, "header": {"content-type": "application/json"}, "data": value}
        return _ok(call.name, resp)

    # ---- storage -----------------------------------------------------------------------------
    def _file_id(self, env: str, cloud_path: str) -> str:
        return f"cloud://{env}.{hashlib.sha256(env.encode()).hexdigest()[:4]}-{env}-1250000000/{cloud_path.lstrip('/')}"

    def get_temp_file_url(self, call: HostCall) -> HostOutcome:
        out = []
        bad = []
        for item in _args(call).get("fileList") or []:
            fid = item.get("fileID") if isinstance(item, dict) else item
            path = _cloud_path(fid)
            if path is None:
                bad.append(repr(fid))
                out.append({"fileID": fid, "tempFileURL": "", "status": -1, "errMsg": "STORAGE_REQUEST_FAIL invalid fileID"})
                continue
            entry: dict[str, Any] = {"fileID": fid, "tempFileURL": TEMP_URL_BASE + path, "status": 0, "errMsg": "ok"}
            if isinstance(item, dict) and "maxAge" in item:
                entry["maxAge"] = item["maxAge"]
            out.append(entry)
        diag = f"not cloud:// file ids: {', '.join(bad)}" if bad else None
        return HostOutcome(True, {"fileList": out, "errMsg": f"{call.name}:ok"}, diag)

    def upload_file(self, call: HostCall) -> HostOutcome:
        a = _args(call)
        fid = self._file_id(self._env(a), str(a.get("cloudPath")))
        self.state.files[fid] = {"filePath": a.get("filePath")}
        return _ok(call.name, {"fileID": fid, "statusCode": 204})

    def download_file(self, call: HostCall) -> HostOutcome:
        fid = str(_args(call).get("fileID"))
        if fid not in self.state.files:
            return _fail(
                call.name,
                -503003,
                f"-503003 storage file not exists: {fid}",
                f"wx.cloud.downloadFile: no file {fid!r}; add it to the device's cloud.files ({_DEVICE_FORMS}, "
                f"or in Python Device(cloud=CloudState(files={{{fid!r}: ...}}))) or upload it first",
            )
        path = _cloud_path(fid) or fid
        ext = path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else "bin"
        name = hashlib.sha256(f"{self.seed}:{fid}".encode()).hexdigest()[:16]
        return _ok(call.name, {"tempFilePath": f"http://tmp/{name}.{ext}", "statusCode": 200})

    def delete_file(self, call: HostCall) -> HostOutcome:
        out = []
        for fid in _args(call).get("fileList") or []:
            if isinstance(fid, str) and self.state.files.pop(fid, _MISSING) is not _MISSING:
                out.append({"fileID": fid, "status": 0, "errMsg": "ok"})
            else:
                out.append({"fileID": fid, "status": -503003, "errMsg": "STORAGE_FILE_NONEXIST"})
        return _ok(call.name, {"fileList": out})

    # ---- AI ----------------------------------------------------------------------------------
    def _ai(self, call: HostCall) -> tuple[bool, Any, str | None]:
        a = _args(call)
        model = str(a.get("model") or "")
        key = model if model in self.state.ai else "*"
        if key not in self.state.ai:
            return (
                False,
                f"no scripted reply for model {model!r}",
                f"wx.cloud.extend.AI {call.name.rsplit('.', 1)[-1]}({{ model: {model!r} }}) has nothing scripted; give "
                f"{model or '*'!r} a reply text, {{chunks: [...]}} or a list of replies in the device's cloud.ai: "
                f"{_DEVICE_FORMS}, or in Python "
                f"Device(cloud=CloudState(ai={{{model or '*'!r}: 'reply text' | {{'chunks': [...]}} | [replies...]}}))",
            )
        spec = self.state.next_script(f"ai:{key}", self.state.ai[key])
        if callable(spec):
            try:
                spec = spec(copy.deepcopy(a), call)
            except Exception as e:
                return False, f"{type(e).__name__}: {e}", f"the local AI stub raised {type(e).__name__}: {e}"
        if isinstance(spec, dict) and "fail" in spec:
            return False, str(spec["fail"]), None
        if isinstance(spec, dict):
            chunks = [str(c) for c in spec.get("chunks") or []] or [str(spec.get("text", ""))]
        else:
            chunks = [str(spec)]
        text = "".join(chunks)
        messages = [*(a.get("messages") or []), {"role": "assistant", "content": text}]
        usage = {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
        return True, {"text": text, "chunks": chunks, "messages": messages, "usage": usage}, None

    def generate_text(self, call: HostCall) -> HostOutcome:
        ok, v, diag = self._ai(call)
        if not ok:
            return _fail(call.name, -1, v, diag)
        return _ok(call.name, {"text": v["text"], "messages": v["messages"], "usage": v["usage"]})

    def stream_text(self, call: HostCall) -> HostOutcome:
        ok, v, diag = self._ai(call)
        if not ok:
            return _fail(call.name, -1, v, diag)
        return _ok(call.name, v)

    # ---- database ----------------------------------------------------------------------------
    def database(self, call: HostCall) -> HostOutcome:
        a = _args(call)
        op = str(a.get("op"))
        is_doc = "docId" in a
        label = ("document." if is_doc else "collection.") + op
        name = str(a.get("collection"))
        docs = self.state.collections.get(name)
        if docs is None:
            known = ", ".join(sorted(self.state.collections)) or "none"
            return _fail(
                label,
                -502005,
                f"-502005 database collection not exists: {name} (env {self._env(a)})",
                f"collection {name!r} does not exist in the cloud (known: {known}); seed it in the device's "
                f"cloud.collections ({_DEVICE_FORMS}, or in Python Device(cloud=CloudState(collections={{{name!r}: [...]}}))): "
                "an empty list creates it",
            )
        try:
            now = self.clock()
            where = resolve_server_dates(a.get("where"), now)
            data = resolve_server_dates(a.get("data"), now)
            value, diag = self._db_op(op, is_doc, a, docs, where, data)
        except CloudQueryError as e:
            return _fail(label, -502001, f"-502001 database request fail: {e}", f"{label} on {name!r}: {e}")
        return HostOutcome(True, {**value, "errMsg": f"{label}:ok"}, diag)

    def _db_op(
        self, op: str, is_doc: bool, a: dict[str, Any], docs: list[dict[str, Any]], where: Any, data: Any
    ) -> tuple[dict[str, Any], str | None]:
        projection = a.get("field")
        if is_doc:
            doc_id = a["docId"]
            found = [d for d in docs if json_equal(d.get("_id"), doc_id)]
            if op == "get":
                if not found:
                    raise CloudQueryError(f"document with _id {doc_id} does not exist")
                return {"data": project(copy.deepcopy(found[0]), projection)}, None
            if op == "set":
                body = plain_data(data, "document.set")
                if "_id" in body:
                    raise CloudQueryError("document.set data must not contain _id")
                new = {"_id": doc_id, **body, "_openid": self.state.openid}
                if found:
                    docs[docs.index(found[0])] = new
                    return {"_id": doc_id, "stats": {"updated": 1, "created": 0}}, None
                docs.append(new)
                return {"_id": doc_id, "stats": {"updated": 0, "created": 1}}, None
            if op == "update":
                body = plain_data(data, "document.update")
                return {"stats": {"updated": sum(apply_update(d, body) for d in found)}}, None
            if op == "remove":
                for d in found:
                    docs.remove(d)
                return {"stats": {"removed": len(found)}}, None
            raise CloudQueryError(f"unknown document operation {op!r}")
        if op == "add":
            body = plain_data(data, "collection.add")
            new_id = body.get("_id", _MISSING)
            if new_id is _MISSING:
                new_id = self.state.new_id(self.seed)
            elif any(json_equal(d.get("_id"), new_id) for d in docs):
                raise CloudQueryError(f"duplicate key: a document with _id {new_id} already exists")
            docs.append({"_id": new_id, **{k: v for k, v in body.items() if k != "_id"}, "_openid": self.state.openid})
            return {"_id": new_id}, None
        matched = [d for d in docs if where is None or matches(d, where)]
        if op == "count":
            return {"total": len(matched)}, None
        if op == "get":
            rows = sort_docs(matched, a.get("orderBy") or [])
            skip = int(a.get("skip") or 0)
            limit = a.get("limit")
            diag = None
            if limit is None:
                limit = CLIENT_GET_LIMIT
            elif int(limit) > CLIENT_GET_LIMIT:
                diag = (
                    f"collection.get asked for limit({limit}); the mini program side returns at most {CLIENT_GET_LIMIT} "
                    "records per request: page with skip() or query in a cloud function"
                )
                limit = CLIENT_GET_LIMIT
            rows = rows[skip : skip + int(limit)]
            return {"data": [project(copy.deepcopy(d), projection) for d in rows]}, diag
        if op in ("update", "remove"):
            if where is None:
                raise CloudQueryError(f"collection.{op} needs a where() condition (use .doc(id).{op}() for one document)")
            if op == "remove":
                for d in matched:
                    docs.remove(d)
                return {"stats": {"removed": len(matched)}}, None
            body = plain_data(data, "collection.update")
            return {"stats": {"updated": sum(apply_update(d, body) for d in matched)}}, None
        raise CloudQueryError(f"unknown collection operation {op!r}")


# ---- values ------------------------------------------------------------------------------------
def _json_default(v: Any) -> Any:
    if isinstance(v, dt.datetime):
        return v.isoformat()
    raise TypeError(f"{type(v).__name__} is not JSON")


def _normalise(v: Any) -> Any:
    """Seed data from Python: datetimes become ``{"$date": ms}``; tuples become lists."""
    if isinstance(v, dt.datetime):
        if v.tzinfo is None:
            raise WxReplayError(f"cloud seed datetime {v.isoformat()} has no UTC offset", hint="add tzinfo, e.g. +08:00")
        return {"$date": int(v.timestamp() * 1000)}
    if isinstance(v, dict):
        return {str(k): _normalise(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_normalise(x) for x in v]
    return v


def _cloud_path(file_id: Any) -> str | None:
    """The object path of ``cloud://<env>.<bucket>/<path>``; None if it is not such an id."""
    if not isinstance(file_id, str) or not file_id.startswith("cloud://"):
        return None
    rest = file_id[len("cloud://") :]
    if "/" not in rest:
        return None
    path = rest.split("/", 1)[1]
    return path or None
