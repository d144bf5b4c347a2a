"""The query engine of the simulated ``wx.cloud`` database: plain dicts, real queries.

``cloud.py`` is the cloud host (functions, storage, AI, and the database's operations); this module
evaluates what a database request says: ``where`` conditions with the ``db.command`` operators,
``orderBy``, field projections, update commands and ``db.serverDate()`` markers. A descriptor it
cannot evaluate raises :class:`CloudQueryError`, which the host turns into the platform's error.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from typing import Any

_CMD = "$wr"


class CloudQueryError(Exception):
    """A database request wxreplay cannot evaluate (bad descriptor, unknown command)."""


# ---- values ------------------------------------------------------------------------------------
def _cmd(v: Any) -> str | None:
    return v[_CMD] if isinstance(v, dict) and isinstance(v.get(_CMD), str) else None


def resolve_server_dates(v: Any, now: int) -> Any:
    """Replace ``db.serverDate()`` markers by the virtual clock's time."""
    if isinstance(v, dict):
        if _cmd(v) == "serverDate":
            return {"$date": now + int(v.get("offset") or 0)}
        return {k: resolve_server_dates(x, now) for k, x in v.items()}
    if isinstance(v, list):
        return [resolve_server_dates(x, now) for x in v]
    return v


def _is_date(v: Any) -> bool:
    return isinstance(v, dict) and len(v) == 1 and isinstance(v.get("$date"), (int, float))


def _is_regex(v: Any) -> bool:
    return isinstance(v, dict) and isinstance(v.get("$regex"), str)


def _is_plain_object(v: Any) -> bool:
    return isinstance(v, dict) and _cmd(v) is None and not _is_date(v) and not _is_regex(v)


def plain_data(data: Any, what: str) -> dict[str, Any]:
    """``data`` of a write (``what`` names it in the error); it must be an object."""
    if not isinstance(data, dict):
        raise CloudQueryError(f"{what} needs data: an object")
    return data


def json_equal(a: Any, b: Any) -> bool:
    """JSON equality where true is not 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and bool(a == b)


def _get_path(doc: Any, path: str) -> tuple[Any, bool]:
    """The value at dotted ``path`` ('a.b', 'items.0.name'), and whether it exists."""
    cur: Any = doc
    parts = path.split(".")
    for i, part in enumerate(parts):
        if isinstance(cur, dict):
            if part not in cur:
                return None, False
            cur = cur[part]
        elif isinstance(cur, list):
            if part.isdigit():
                idx = int(part)
                if idx >= len(cur):
                    return None, False
                cur = cur[idx]
            else:  # a field of each element, as the database does for arrays of objects
                rest = ".".join(parts[i:])
                found = [v for v, ok in (_get_path(e, rest) for e in cur) if ok]
                return found, bool(found)
        else:
            return None, False
    return cur, True


# ---- queries -------------------------------------------------------------------------------------
def matches(doc: dict[str, Any], where: Any) -> bool:
    """Whether ``doc`` satisfies a where descriptor (as serialised by cloud.js)."""
    op = _cmd(where)
    if op == "and":
        return all(matches(doc, c) for c in _list(where.get("v"), "and"))
    if op == "or":
        return any(matches(doc, c) for c in _list(where.get("v"), "or"))
    if op is not None:
        raise CloudQueryError(
            f"db.command.{op}() cannot stand alone in where(); put it under a field: where({{ field: _.{op}(...) }})"
        )
    if not isinstance(where, dict):
        raise CloudQueryError(f"where() condition must be an object, got {json.dumps(where)}")
    return all(_match_field(doc, path, q) for path, q in _flatten(where))


def _list(v: Any, op: str) -> list[Any]:
    if not isinstance(v, list):
        raise CloudQueryError(f"db.command.{op} expects a list of conditions")
    return v


def _flatten(cond: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Nested plain objects in where/update mean nested fields: {a: {b: 1}} is 'a.b' == 1."""
    for key, value in cond.items():
        path = prefix + key
        if _is_plain_object(value) and value:
            yield from _flatten(value, path + ".")
        else:
            yield path, value


def _match_field(doc: dict[str, Any], path: str, q: Any) -> bool:
    value, found = _get_path(doc, path)
    op = _cmd(q)
    if op is None:
        if _is_regex(q):
            return _regex(value, found, q)
        return _equals(value, found, q)
    arg = q.get("v")
    if op == "eq":
        return _equals(value, found, arg)
    if op == "neq":
        return not _equals(value, found, arg)
    if op in ("gt", "gte", "lt", "lte"):
        return found and _compare(value, arg, op)
    if op == "in":
        return any(_regex(value, found, x) if _is_regex(x) else _equals(value, found, x) for x in _list(arg, "in"))
    if op == "nin":
        return not any(_regex(value, found, x) if _is_regex(x) else _equals(value, found, x) for x in _list(arg, "nin"))
    if op == "exists":
        return found == bool(arg)
    if op == "and":
        return all(_match_field(doc, path, c) for c in _list(arg, "and"))
    if op == "or":
        return any(_match_field(doc, path, c) for c in _list(arg, "or"))
    if op in _UPDATE_OPS:
        raise CloudQueryError(f"db.command.{op}() is an update operator; it cannot be used in where()")
    raise CloudQueryError(f"db.command.{op}() is not supported by wxreplay's database")


def _equals(value: Any, found: bool, q: Any) -> bool:
    if not found:
        return q is None
    if isinstance(value, list) and not isinstance(q, list):
        return any(json_equal(e, q) for e in value)
    return json_equal(value, q)


def _regex(value: Any, found: bool, q: dict[str, Any]) -> bool:
    if not found:
        return False
    flags = 0
    for ch in str(q.get("$options") or ""):
        flags |= {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL}.get(ch, 0)
    try:
        pattern = re.compile(q["$regex"], flags)
    except re.error as e:
        raise CloudQueryError(f"invalid regular expression {q['$regex']!r}: {e}") from None
    items = value if isinstance(value, list) else [value]
    return any(isinstance(v, str) and pattern.search(v) is not None for v in items)


def _comparable(a: Any, b: Any) -> tuple[Any, Any] | None:
    if _is_date(a) and _is_date(b):
        return a["$date"], b["$date"]
    num = (int, float)
    if isinstance(a, num) and isinstance(b, num) and not isinstance(a, bool) and not isinstance(b, bool):
        return a, b
    if isinstance(a, str) and isinstance(b, str):
        return a, b
    return None


def _compare(value: Any, arg: Any, op: str) -> bool:
    if isinstance(value, list):
        return any(_compare(v, arg, op) for v in value)
    pair = _comparable(value, arg)
    if pair is None:
        return False
    x, y = pair
    return bool({"gt": x > y, "gte": x >= y, "lt": x < y, "lte": x <= y}[op])


def _sort_key(v: Any, found: bool) -> tuple[int, Any]:
    if not found or v is None:
        return 0, 0
    if isinstance(v, bool):
        return 5, v
    if isinstance(v, (int, float)):
        return 1, v
    if isinstance(v, str):
        return 2, v
    if _is_date(v):
        return 6, v["$date"]
    return (3 if isinstance(v, dict) else 4), json.dumps(v, sort_keys=True, ensure_ascii=False)


def sort_docs(rows: list[dict[str, Any]], order: list[Any]) -> list[dict[str, Any]]:
    """``rows`` in ``orderBy`` order (``[[field, "asc"|"desc"], ...]``), stable; a missing or null field sorts lowest."""
    out = list(rows)
    for item in reversed(order):
        if not (isinstance(item, list) and len(item) == 2 and item[1] in ("asc", "desc")):
            raise CloudQueryError(f"bad orderBy entry {item!r}")
        path, direction = str(item[0]), item[1]

        def key(d: dict[str, Any], p: str = path) -> tuple[int, Any]:
            return _sort_key(*_get_path(d, p))

        out.sort(key=key, reverse=direction == "desc")
    return out


def project(doc: dict[str, Any], projection: Any) -> dict[str, Any]:
    """``doc`` as a ``field()`` projection shows it: only the fields set true (and ``_id``), or without those set false."""
    if not projection:
        return doc
    if not isinstance(projection, dict):
        raise CloudQueryError("field() expects an object such as { name: true }")
    include = [p for p, on in projection.items() if on and p != "_id"]
    if include:
        out: dict[str, Any] = {}
        if projection.get("_id", True) and "_id" in doc:
            out["_id"] = doc["_id"]
        for path in include:
            value, found = _get_path(doc, path)
            if found:
                _set_path(out, path, copy.deepcopy(value))
        return out
    for path, on in projection.items():
        if not on:
            _del_path(doc, path)
    return doc


# ---- updates ---------------------------------------------------------------------------------------
_UPDATE_OPS = ("inc", "set", "remove", "push")


def apply_update(doc: dict[str, Any], body: dict[str, Any]) -> bool:
    """Apply update data (nested objects merge; commands inc/set/remove/push); True if doc changed."""
    before = copy.deepcopy(doc)
    for path, value in _flatten(body):
        if path == "_id" or path.startswith("_id."):
            raise CloudQueryError("_id cannot be updated")
        op = _cmd(value)
        if op is None:
            _set_path(doc, path, copy.deepcopy(value))
        elif op == "set":
            _set_path(doc, path, copy.deepcopy(value.get("v")))
        elif op == "remove":
            _del_path(doc, path)
        elif op == "inc":
            n = value.get("v")
            cur, found = _get_path(doc, path)
            if not isinstance(n, (int, float)) or isinstance(n, bool):
                raise CloudQueryError(f"_.inc() needs a number, got {json.dumps(n)}")
            if found and (not isinstance(cur, (int, float)) or isinstance(cur, bool)):
                held = json.dumps(cur, ensure_ascii=False)
                raise CloudQueryError(f"_.inc() on field {path!r} which holds {held}, not a number")
            _set_path(doc, path, (cur if found else 0) + n)
        elif op == "push":
            arg = value.get("v")
            items = arg.get("each") if isinstance(arg, dict) and isinstance(arg.get("each"), list) else arg
            items = items if isinstance(items, list) else [items]
            cur, found = _get_path(doc, path)
            if found and not isinstance(cur, list):
                raise CloudQueryError(f"_.push() on field {path!r} which is not an array")
            _set_path(doc, path, [*(cur if found else []), *copy.deepcopy(items)])
        else:
            raise CloudQueryError(f"db.command.{op}() cannot be used in update data (supported: {', '.join(_UPDATE_OPS)})")
    return not json_equal(before, doc)


def _set_path(doc: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    cur: Any = doc
    for part in parts[:-1]:
        if isinstance(cur, list) and part.isdigit() and int(part) < len(cur):
            cur = cur[int(part)]
            continue
        if not isinstance(cur, dict):
            raise CloudQueryError(f"cannot set {path!r}: {part!r} is inside a non-object value")
        if not isinstance(cur.get(part), (dict, list)):
            cur[part] = {}
        cur = cur[part]
    last = parts[-1]
    if isinstance(cur, list) and last.isdigit() and int(last) < len(cur):
        cur[int(last)] = value
    elif isinstance(cur, dict):
        cur[last] = value
    else:
        raise CloudQueryError(f"cannot set {path!r}")


def _del_path(doc: dict[str, Any], path: str) -> None:
    parts = path.split(".")
    cur: Any = doc
    for part in parts[:-1]:
        if isinstance(cur, dict) and isinstance(cur.get(part), (dict, list)):
            cur = cur[part]
        elif isinstance(cur, list) and part.isdigit() and int(part) < len(cur):
            cur = cur[int(part)]
        else:
            return
    if isinstance(cur, dict):
        cur.pop(parts[-1], None)
