"""Loading one skill package: ``mcp.json`` validated into declarations, ``SKILL.md``, ``index.js``.

Anything that stops the skill from running at all (malformed ``mcp.json``, a missing
``index.js``, an API without ``inputSchema``) raises :class:`~wxreplay.errors.ProjectError` with
file, line and a fix; whatever is merely wrong by the platform's rules is left to the linter.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from wxreplay.errors import ProjectError
from wxreplay.jsonfile import JsonDoc, display_path, json_type, read_json, read_text
from wxreplay.project.declarations import DEFAULT_EXPIRED_TEXT, ApiDecl, ComponentDecl, norm_page, norm_rel
from wxreplay.project.skill import Skill
from wxreplay.source import exists, is_dir, is_file

__all__ = ["front_matter", "load_skill"]

_NO_ARGS_SCHEMA = '"inputSchema": {"type": "object", "properties": {}}'


def front_matter(markdown: str) -> dict[str, str]:
    """``key: value`` pairs of a leading ``---`` block in SKILL.md (flat, best effort)."""
    lines = markdown.splitlines()
    if not lines or lines[0].strip() != "---":
        return {}
    values: dict[str, str] = {}
    for line in lines[1:]:
        if line.strip() == "---":
            return values
        match = re.match(r"([A-Za-z_][\w-]*)\s*:\s*(.*)$", line)
        if match:
            values[match.group(1)] = match.group(2).strip().strip("'\"")
    return {}  # no closing "---": not front matter after all


# -- helpers: skill packages and mcp.json ---------------------------------------------------------


def load_skill(
    root: Path,
    *,
    name: str,
    description: str,
    path: str,
    subpackage_root: str,
    entry_error: Callable[[str, str], ProjectError],
) -> Skill:
    """Load the skill package at ``root/path``; ``entry_error`` locates errors about the directory."""
    skill_dir = root / path
    if not is_dir(skill_dir):
        what = "is not a directory" if exists(skill_dir) else "does not exist"
        raise entry_error(
            f"skill {name!r}: {path}/ {what}",
            f"create {path}/ with SKILL.md, index.js and mcp.json, or fix the path (relative to app.json)",
        )
    mcp_path = skill_dir / "mcp.json"
    if not is_file(mcp_path):
        raise ProjectError(
            f"skill {name!r} has no mcp.json",
            file=display_path(mcp_path, root),
            hint='create it to declare the APIs: {"apis": [{"name": ..., "description": ..., ' + _NO_ARGS_SCHEMA + "}]}",
        )
    index_js = skill_dir / "index.js"
    if not is_file(index_js):
        raise ProjectError(
            f"skill {name!r} has no index.js",
            file=display_path(index_js, root),
            hint="create it and register every API of mcp.json: wx.modelContext.registerAPI('name', async (args) => ...)",
        )
    skill_md_file = skill_dir / "SKILL.md"
    skill_md = read_text(skill_md_file, root=root) if is_file(skill_md_file) else ""
    apis, components = _parse_mcp(read_json(mcp_path, root=root))
    return Skill(
        name=name,
        description=description,
        path=path,
        dir=skill_dir,
        subpackage_root=subpackage_root,
        skill_md=skill_md,
        apis=apis,
        components=components,
        mcp_path=mcp_path,
        index_js=index_js,
    )


def _optional(doc: JsonDoc, obj: dict[str, Any], key: str, kind: type, at: tuple[str | int, ...], what: str) -> Any:
    """``obj[key]`` if it is absent/null or of type ``kind``; an error located at ``at`` otherwise."""
    value = obj.get(key)
    if value is None or (isinstance(value, kind) and not (kind is int and isinstance(value, bool))):
        return value
    raise doc.error(f'{what}: "{key}" must be {_KIND_NAMES[kind]}, got {json_type(value)}', at=(*at, key))


_KIND_NAMES: dict[type, str] = {str: "a string", dict: "an object", bool: "true or false", list: "an array"}


def _parse_mcp(doc: JsonDoc) -> tuple[tuple[ApiDecl, ...], tuple[ComponentDecl, ...]]:
    """Validate mcp.json's shape and build the declarations."""
    data = doc.data
    if not isinstance(data, dict):
        raise doc.error(f"mcp.json must be a JSON object, got {json_type(data)}", hint='start from {"apis": []}')
    if "apis" not in data:
        raise doc.error('mcp.json has no "apis" array', hint='add "apis": [...] listing the skill\'s atomic APIs')
    raw_apis = data["apis"]
    if not isinstance(raw_apis, list):
        raise doc.error(f'"apis" must be an array, got {json_type(raw_apis)}', at=("apis",))
    apis = tuple(_parse_api(doc, raw, i, apis_before=raw_apis[:i]) for i, raw in enumerate(raw_apis))

    raw_components = data.get("components")
    if raw_components is None:
        raw_components = []
    if not isinstance(raw_components, list):
        raise doc.error(f'"components" must be an array, got {json_type(raw_components)}', at=("components",))
    components: list[ComponentDecl] = []
    for j, raw in enumerate(raw_components):
        component = _parse_component(doc, raw, j)
        for k, earlier in enumerate(components):
            if earlier.path == component.path:
                line, _ = doc.position(("components", k))
                raise doc.error(
                    f"duplicate component {component.path!r} (first declared in components[{k}], line {line})",
                    at=("components", j, "path"),
                    hint="declare each component once; merge the two entries",
                )
        components.append(component)
    return apis, tuple(components)


def _parse_api(doc: JsonDoc, raw: Any, i: int, *, apis_before: list[Any]) -> ApiDecl:
    """One ``apis[i]`` entry."""
    at: tuple[str | int, ...] = ("apis", i)
    if not isinstance(raw, dict):
        raise doc.error(f"apis[{i}] must be an object, got {json_type(raw)}", at=at)
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        problem = (
            "is missing"
            if name is None
            else ("is empty" if isinstance(name, str) else f"must be a string, got {json_type(name)}")
        )
        raise doc.error(
            f'apis[{i}]: "name" {problem}',
            at=(*at, "name"),
            hint='name the API as index.js registers it, e.g. "searchDrinks"',
        )
    for k, earlier in enumerate(apis_before):
        if isinstance(earlier, dict) and earlier.get("name") == name:
            line, _ = doc.position(("apis", k))
            raise doc.error(
                f"duplicate API name {name!r} (first declared in apis[{k}], line {line})",
                at=(*at, "name"),
                hint="API names must be unique; rename one of them or merge the two entries",
            )
    what = f"API {name!r}"
    description = _optional(doc, raw, "description", str, at, what) or ""
    if "inputSchema" not in raw:
        raise doc.error(
            f'{what} has no "inputSchema"',
            at=at,
            hint=f"the platform requires one; an API without arguments uses {_NO_ARGS_SCHEMA}",
        )
    input_schema = raw["inputSchema"]
    if not isinstance(input_schema, dict):
        raise doc.error(
            f'{what}: "inputSchema" must be an object, got {json_type(input_schema)}',
            at=(*at, "inputSchema"),
            hint=f"write a JSON Schema, e.g. {_NO_ARGS_SCHEMA}",
        )
    output_schema = _optional(doc, raw, "outputSchema", dict, at, what)
    for key, schema in (("inputSchema", input_schema), ("outputSchema", output_schema)):
        ref_problem = _ref_problem(schema) if schema is not None else None
        if ref_problem is not None:
            where, message = ref_problem
            raise doc.error(
                f"{what}: {key}{_pointer(where)}: {message}",
                at=(*at, key, *where, "$ref"),
                hint='point $ref at a part of the same schema, e.g. "#/definitions/item", reached through a property or an item',
            )
    meta = _optional(doc, raw, "_meta", dict, at, what) or {}
    ui = _optional(doc, meta, "ui", dict, (*at, "_meta"), f"{what} _meta") or {}
    ui_at = (*at, "_meta", "ui")
    component_path = _optional(doc, ui, "componentPath", str, ui_at, f"{what} _meta.ui")
    page_path = _optional(doc, ui, "pagePath", str, ui_at, f"{what} _meta.ui")
    if page_path is None:
        page_path = _optional(doc, raw, "pagePath", str, at, what)  # [INT] form, no leading "/"
    return ApiDecl(
        name=name,
        description=description,
        input_schema=input_schema,
        output_schema=output_schema,
        component_path=norm_rel(component_path) if component_path and component_path.strip() else None,
        page_path=norm_page(page_path) if page_path and page_path.strip() else None,
        raw=raw,
    )


# Keywords whose subschemas apply to the same value as their parent: a $ref cycle through only
# these never reaches a property or an item, so validating any value would never end.
_IN_PLACE_ONE = ("not", "if", "then", "else")
_IN_PLACE_MANY = ("allOf", "anyOf", "oneOf")

# Keywords whose values are data, not schemas: a "$ref" key inside them means nothing.
_DATA_KEYWORDS = frozenset({"enum", "const", "default", "examples"})

SchemaPath = tuple[str | int, ...]


def _pointer(path: SchemaPath) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)


def _resolve_ref(schema: dict[str, Any], ref: str) -> SchemaPath | None:
    """The path of the subschema a local ``$ref`` ("#", "#/definitions/a") names, or None when there is none."""
    if not ref.startswith("#") or (len(ref) > 1 and not ref.startswith("#/")):
        return None
    node: Any = schema
    path: list[str | int] = []
    for raw in ref[2:].split("/") if len(ref) > 1 else ():
        part = unquote(raw).replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
            path.append(part)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
            path.append(int(part))
        else:
            return None
    return tuple(path) if isinstance(node, dict | bool) else None


def _ref_problem(schema: dict[str, Any]) -> tuple[SchemaPath, str] | None:
    """``(path of the object holding the $ref, message)`` for a $ref that validation cannot follow, else None.

    jsonschema raises (not a validation error) on a $ref to nothing, a remote one (nothing is fetched
    offline) and, with a RecursionError, on a cycle of $refs that never enters a property or item.
    """
    in_place: dict[SchemaPath, list[tuple[SchemaPath, SchemaPath]]] = {}  # schema -> (via $ref at, target)
    todo: list[tuple[Any, SchemaPath]] = [(schema, ())]
    while todo:
        node, path = todo.pop()
        if isinstance(node, list):
            todo.extend((item, (*path, i)) for i, item in enumerate(node))
            continue
        if not isinstance(node, dict):
            continue
        edges = in_place.setdefault(path, [])
        ref = node.get("$ref")
        if isinstance(ref, str):
            target = _resolve_ref(schema, ref)
            if target is None:
                if not ref.startswith("#"):
                    return path, f"$ref {ref!r} names another document, which cannot be fetched offline"
                return path, f"$ref {ref!r} points to nothing in this schema"
            edges.append((path, target))
        for key in _IN_PLACE_ONE:
            if isinstance(node.get(key), dict):
                edges.append((path, (*path, key)))
        for key in _IN_PLACE_MANY:
            if isinstance(node.get(key), list):
                edges.extend((path, (*path, key, i)) for i in range(len(node[key])))
        todo.extend(
            (value, (*path, key)) for key, value in node.items() if isinstance(value, dict | list) and key not in _DATA_KEYWORDS
        )
    # A cycle of in-place edges that goes through a $ref (iterative DFS, colours: 1 open, 2 done).
    colour: dict[SchemaPath, int] = {}
    for start in in_place:
        if start in colour:
            continue
        stack = [(start, iter(in_place.get(start, ())))]
        colour[start] = 1
        while stack:
            node, it = stack[-1]
            step = next(it, None)
            if step is None:
                colour[node] = 2
                stack.pop()
                continue
            via, target = step
            if colour.get(target) == 1:
                return via, "this $ref leads back to itself without entering a property or an item: validation would never end"
            if target not in colour:
                colour[target] = 1
                stack.append((target, iter(in_place.get(target, ()))))
    return None


def _parse_component(doc: JsonDoc, raw: Any, j: int) -> ComponentDecl:
    """One ``components[j]`` entry."""
    at: tuple[str | int, ...] = ("components", j)
    if not isinstance(raw, dict):
        raise doc.error(f"components[{j}] must be an object, got {json_type(raw)}", at=at)
    path = raw.get("path")
    if not isinstance(path, str) or not norm_rel(path):
        raise doc.error(
            f'components[{j}]: "path" must be a non-empty string',
            at=(*at, "path"),
            hint='use the componentPath of the API that shows it, e.g. "components/drink-list/index"',
        )
    what = f"component {path!r}"
    related = _optional(doc, raw, "relatedPage", str, at, what)
    if related is None:
        related = _optional(doc, raw, "pagePath", str, at, what)  # [INT] form
    permissions = _optional(doc, raw, "permissions", dict, at, what) or {}
    realtime = _optional(doc, raw, "realtime", bool, at, what)  # [INT] form
    dynamic_key = next((k for k in ("scope.dynamic", "scope.network") if k in permissions), None)
    dynamic_desc: str | None = None
    if dynamic_key is not None:
        scope = _optional(doc, permissions, dynamic_key, dict, (*at, "permissions"), f"{what} permissions")
        desc = (scope or {}).get("desc")
        dynamic_desc = desc if isinstance(desc, str) else None
    elif realtime:
        usage = raw.get("usage")
        dynamic_desc = usage if isinstance(usage, str) else None
    expirable = _optional(doc, raw, "expirable", bool, at, what)
    expired_text = _optional(doc, raw, "expiredText", str, at, what)
    return ComponentDecl(
        path=norm_rel(path),
        related_page=norm_page(related) if related and related.strip() else None,
        dynamic=dynamic_key is not None or realtime is True,
        dynamic_desc=dynamic_desc,
        expirable=bool(expirable),
        expired_text=DEFAULT_EXPIRED_TEXT if expired_text is None else expired_text,
        raw=raw,
    )
