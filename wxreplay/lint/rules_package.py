"""Package and config rules (platform-spec 9.1): app.json, subpackages, SKILL.md, mcp.json size, AGENTS.md, page-meta.json."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from wxreplay.jsonfile import loads_bounded
from wxreplay.lint.context import LintContext, SkillTarget
from wxreplay.lint.jsonpos import json_position
from wxreplay.lint.model import LintFinding
from wxreplay.lint.registry import rule
from wxreplay.project.declarations import norm_rel

MAX_SKILLS = 30
SKILL_MD_BYTES = 16_000
MCP_LIMIT = 24_000
MCP_WARN = 21_600  # V013 warns at 90 %
AGENTS_MD_BYTES = 10_000
PAGE_META_BYTES = 8_000
_WHITESPACE = re.compile(r"\s")


def _app_text(ctx: LintContext) -> str | None:
    return ctx.text(ctx.root / "app.json") if ctx.app_json is not None else None


def _app_at(ctx: LintContext, *at: str | int) -> dict[str, Any]:
    line, column = json_position(_app_text(ctx), at, ctx.text_cache)
    return {"file": ctx.root / "app.json", "line": line, "column": column}


def _skill_entries(ctx: LintContext) -> list[Any]:
    agent = ctx.app_json.get("agent") if ctx.app_json is not None else None
    entries = agent.get("skills") if isinstance(agent, dict) else None
    return entries if isinstance(entries, list) else []


def _subpackages(ctx: LintContext) -> list[tuple[int, str, bool]]:
    """``(index, root, independent)`` of each ``subPackages[]`` (or ``subpackages[]``) entry with a root."""
    if ctx.app_json is None:
        return []
    key = "subPackages" if "subPackages" in ctx.app_json else "subpackages"
    found = []
    for i, sp in enumerate(ctx.app_json.get(key) or []):
        if isinstance(sp, dict) and isinstance(sp.get("root"), str) and sp["root"].strip():
            found.append((i, norm_rel(sp["root"]), sp.get("independent") is True))
    return found


def _containing(ctx: LintContext, path: str) -> list[tuple[int, str, bool]]:
    rel = norm_rel(path)
    return [sp for sp in _subpackages(ctx) if rel == sp[1] or rel.startswith(sp[1] + "/")]


@rule(
    "WXR101",
    "error",
    'app.json sets "lazyCodeLoading": "requiredComponents"',
    "Without it the independent subpackage that holds the skills fails to load on the device.",
    spec="9.1.1",
)
def lazy_code_loading(ctx: LintContext) -> Iterator[LintFinding]:
    if ctx.app_json is None or ctx.app_json.get("lazyCodeLoading") == "requiredComponents":
        return
    found = ctx.app_json.get("lazyCodeLoading")
    said = "is missing" if found is None else f"is {json.dumps(found, ensure_ascii=False)}"
    yield ctx.finding(
        "WXR101",
        f'"lazyCodeLoading" {said}; AI skills need "requiredComponents"',
        hint='add "lazyCodeLoading": "requiredComponents" at the top level of app.json',
        **_app_at(ctx, "lazyCodeLoading"),
    )


@rule(
    "WXR102",
    "error",
    "each skill path lies in an independent subpackage",
    'Skills run from an independent subpackage ("independent": true); '
    "a skill in the main package or a normal subpackage is not loaded.",
    spec="9.1.2",
)
def skill_in_independent(ctx: LintContext) -> Iterator[LintFinding]:
    for i, entry in enumerate(_skill_entries(ctx)):
        path = entry.get("path") if isinstance(entry, dict) else None
        if not isinstance(path, str) or not path.strip():
            continue
        inside = _containing(ctx, path)
        if inside and not any(independent for _, _, independent in inside):
            roots = ", ".join(repr(r) for _, r, _ in inside)
            yield ctx.finding(
                "WXR102",
                f"skill path {path!r} lies in subpackage {roots}, which is not independent",
                hint=f'set "independent": true on subPackages[{inside[0][0]}]',
                **_app_at(ctx, "agent", "skills", i, "path"),
            )


@rule(
    "WXR103",
    "error",
    "agent.skills has at most 30 entries, each with a non-empty name, description and path",
    "The backend rejects a skill without a name, a description (after trimming) or a path, and more than 30 skills.",
    vid="V016",
    spec="9.1.3",
)
def skill_entries(ctx: LintContext) -> Iterator[LintFinding]:
    entries = _skill_entries(ctx)
    if len(entries) > MAX_SKILLS:
        yield ctx.finding(
            "WXR103",
            f"agent.skills lists {len(entries)} skills; a mini program may have at most {MAX_SKILLS}",
            hint="merge related skills (one skill may register many APIs)",
            **_app_at(ctx, "agent", "skills"),
        )
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            yield ctx.finding(
                "WXR103",
                f"agent.skills[{i}] is not an object",
                hint='write {"name": ..., "description": ..., "path": "skills/..."}',
                **_app_at(ctx, "agent", "skills", i),
            )
            continue
        for key in ("name", "description", "path"):
            value = entry.get(key)
            if not isinstance(value, str) or not value.strip():
                yield ctx.finding(
                    "WXR103",
                    f"agent.skills[{i}].{key} is {'missing' if value is None else 'empty'}",
                    hint=f"give the skill a non-empty {key}",
                    **_app_at(ctx, "agent", "skills", i, key),
                )


@rule(
    "WXR104",
    "error",
    "each skill directory sits in exactly one subpackage",
    "One skill lives in exactly one subpackage; "
    "a path under no subPackages[] root (or under two nested ones) is not packaged as a skill.",
    spec="9.1.4",
)
def skill_in_one_subpackage(ctx: LintContext) -> Iterator[LintFinding]:
    for i, entry in enumerate(_skill_entries(ctx)):
        path = entry.get("path") if isinstance(entry, dict) else None
        if not isinstance(path, str) or not path.strip():
            continue
        inside = _containing(ctx, path)
        if len(inside) == 1:
            continue
        if inside:
            message = f"skill path {path!r} lies in {len(inside)} subpackages ({', '.join(r for _, r, _ in inside)})"
            hint = "subpackage roots must not nest: keep one root around the skills"
        else:
            message = f"skill path {path!r} lies in no subPackages[] root"
            top = norm_rel(path).split("/")[0]
            hint = f'add {{"root": "{top}", "independent": true, "pages": []}} to subPackages'
        yield ctx.finding("WXR104", message, hint=hint, **_app_at(ctx, "agent", "skills", i, "path"))


@rule(
    "WXR105",
    "error",
    "SKILL.md exists, is named in upper case and is at most 16000 bytes",
    "Each skill has exactly one SKILL.md (upper-case name, no includes) of at most 16000 bytes of UTF-8.",
    vid="V014",
    spec="9.1.5",
)
def skill_md(ctx: LintContext) -> Iterator[LintFinding]:
    for target in ctx.skills:
        names = [p.name for p in target.dir.iterdir()] if ctx.is_dir(target.dir) else []
        if "SKILL.md" not in names:
            other = [n for n in names if n.lower() == "skill.md"]
            yield ctx.finding(
                "WXR105",
                f"skill {target.name!r} has {'SKILL.md named ' + repr(other[0]) if other else 'no SKILL.md'}",
                file=target.dir,
                hint="rename it to SKILL.md (exact case)"
                if other
                else "write SKILL.md: flow, cross-API rules and intent routing",
            )
            continue
        path = target.dir / "SKILL.md"
        size = path.stat().st_size
        text = ctx.text(path)
        if text is not None and not text.strip():
            yield ctx.finding(
                "WXR105",
                "SKILL.md is empty",
                file=path,
                hint="write the flow, cross-API rules and intent routing of the skill",
            )
        if size > SKILL_MD_BYTES:
            yield ctx.finding(
                "WXR105",
                f"SKILL.md is {size:,} bytes; the platform allows at most {SKILL_MD_BYTES:,}",
                file=path,
                hint="move per-API details into mcp.json descriptions and returned content",
            )


@rule(
    "WXR117",
    "error",
    "each skill has an index.js",
    "index.js registers the skill's atomic APIs; a skill without it has no API at all.",
    spec="1, 3",
)
def index_js(ctx: LintContext) -> Iterator[LintFinding]:
    for target in ctx.skills:
        if not ctx.is_file(target.dir / "index.js"):
            yield ctx.finding(
                "WXR117",
                f"skill {target.name!r} has no index.js",
                file=target.dir,
                hint=f"write index.js: const skill = wx.modelContext.createSkill({target.path!r}); skill.registerAPI(...)",
            )


def mcp_counted(data: Any) -> str:
    """``mcp.json`` as the platform counts it: every ``outputSchema`` removed, then every space and newline."""
    if isinstance(data, dict) and isinstance(data.get("apis"), list):
        data = dict(data)
        data["apis"] = [
            {k: v for k, v in api.items() if k != "outputSchema"} if isinstance(api, dict) else api for api in data["apis"]
        ]
    return _WHITESPACE.sub("", json.dumps(data, ensure_ascii=False, separators=(",", ":")))


@rule(
    "WXR106",
    "error",
    "mcp.json exists and stays within 24000 (outputSchema, spaces and newlines not counted)",
    "The official table counts 24000 bytes, the platform's validator (V013) 24000 characters; both are checked, "
    "after removing every outputSchema, space and newline (a file that does not parse is WXR116).",
    vid="V013",
    spec="9.1.6, 8",
)
def mcp_json(ctx: LintContext) -> Iterator[LintFinding]:
    for target in ctx.skills:
        path = target.dir / "mcp.json"
        if not ctx.is_file(path):
            yield ctx.finding(
                "WXR106",
                f"skill {target.name!r} has no mcp.json",
                file=target.dir,
                hint='write mcp.json: {"apis": [...], "components": [...]}',
            )
            continue
        text = ctx.text(path)
        if text is None:
            continue  # WXR113 says why it cannot be read
        try:
            data = loads_bounded(text)
        except ValueError:
            continue  # WXR116 reports it with the loader's line, column and fix
        chars, size = _mcp_size(data)
        if size > MCP_LIMIT:
            yield ctx.finding(
                "WXR106",
                f"mcp.json counts {size:,} bytes / {chars:,} characters without outputSchema, spaces and newlines; "
                f"the limit is {MCP_LIMIT:,} (bytes in the official table, characters in V013)",
                file=path,
                line=1,
                hint="shorten descriptions (outputSchema is free: move result details there)",
            )


def _mcp_size(data: Any) -> tuple[int, int]:
    counted = mcp_counted(data)
    return len(counted), len(counted.encode("utf-8"))


@rule(
    "WXR115",
    "warning",
    "mcp.json is within 90 % of its 24000 limit",
    "V013 warns from 21600 characters on: the next API may push the file over.",
    vid="V013",
    spec="8",
)
def mcp_json_near_limit(ctx: LintContext) -> Iterator[LintFinding]:
    for target in ctx.skills:
        path = target.dir / "mcp.json"
        text = ctx.text(path) if ctx.is_file(path) else None
        try:
            data = loads_bounded(text) if text is not None else None
        except ValueError:
            continue
        if data is None:
            continue
        chars, size = _mcp_size(data)
        if chars > MCP_WARN and size <= MCP_LIMIT:
            yield ctx.finding(
                "WXR115",
                f"mcp.json counts {chars:,} characters / {size:,} bytes without outputSchema, spaces and newlines: "
                f"over 90 % of the {MCP_LIMIT:,} limit",
                file=path,
                line=1,
                hint="shorten descriptions before the next API pushes it over",
            )


def _configured_file(ctx: LintContext, key: str) -> tuple[str, tuple[str | int, ...]] | None:
    if ctx.app_json is None:
        return None
    agent = ctx.app_json.get("agent")
    if isinstance(agent, dict) and isinstance(agent.get(key), str):
        return agent[key], ("agent", key)
    if key == "pageMetadata" and isinstance(ctx.app_json.get(key), str):
        return ctx.app_json[key], (key,)
    return None


def _size_rule(ctx: LintContext, rule_id: str, key: str, limit: int, what: str, parse: bool) -> Iterator[LintFinding]:
    configured = _configured_file(ctx, key)
    if configured is None:
        return
    rel, at = configured
    path = ctx.root / norm_rel(rel)
    if not ctx.is_file(path):
        yield ctx.finding(
            rule_id,
            f"agent.{key} names {rel!r}, which does not exist",
            hint=f"create {rel} or remove agent.{key}",
            **_app_at(ctx, *at),
        )
        return
    size = path.stat().st_size
    if size > limit:
        yield ctx.finding(
            rule_id, f"{rel} is {size:,} bytes; {what} may be at most {limit:,} bytes", file=path, line=1, hint="shorten it"
        )
    if parse:
        text = ctx.text(path)
        if text is not None:
            try:
                loads_bounded(text)
            except ValueError as e:
                yield ctx.finding(
                    rule_id,
                    f"{rel} is not valid JSON: {e}",
                    file=path,
                    hint='write {"pages": [{"path": ..., "name": ..., "description": ...}]}',
                )


@rule(
    "WXR107",
    "error",
    "the configured AGENTS.md exists and is at most 10000 bytes",
    "agent.instruction names the global prompt; a missing or oversized file is rejected.",
    vid="V020",
    spec="9.1.7",
)
def agents_md(ctx: LintContext) -> Iterator[LintFinding]:
    yield from _size_rule(ctx, "WXR107", "instruction", AGENTS_MD_BYTES, "the instruction file", parse=False)


@rule(
    "WXR108",
    "error",
    "the configured page-meta.json exists, parses and is at most 8000 bytes",
    "agent.pageMetadata names the page metadata; a missing, broken or oversized file is rejected.",
    vid="V020",
    spec="9.1.8",
)
def page_meta(ctx: LintContext) -> Iterator[LintFinding]:
    yield from _size_rule(ctx, "WXR108", "pageMetadata", PAGE_META_BYTES, "page metadata", parse=True)


def skill_js(ctx: LintContext, target: SkillTarget) -> Iterator[Path]:
    """The JS files of a skill (its own directory; ``_shared/`` is linted with the first skill using it)."""
    yield from ctx.skill_files(target, ".js")
