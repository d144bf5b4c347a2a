"""Reading ``app.json``: where it is, its pages and subpackages, ``agent.skills``, instruction, page metadata.

Each reader validates the shape of its part and raises :class:`~wxreplay.errors.ProjectError` at
the offending key; the skills it lists are loaded by :mod:`wxreplay.project.skill_loader`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from wxreplay.errors import ProjectError
from wxreplay.jsonfile import JsonDoc, json_type, read_json, read_text
from wxreplay.project.declarations import SubPackage, norm_rel
from wxreplay.project.skill import Skill
from wxreplay.project.skill_loader import load_skill
from wxreplay.source import is_file

__all__ = [
    "find_app_root",
    "lists_skill",
    "read_app_skills",
    "read_instruction",
    "read_page_metadata",
    "read_subpackages",
    "string_list",
]


def find_app_root(directory: Path) -> Path | None:
    """The folder holding app.json for ``directory``, following project.config.json's miniprogramRoot."""
    if (directory / "app.json").is_file():
        return directory
    config = directory / "project.config.json"
    if config.is_file():
        data = read_json(config, root=directory).data
        mp_root = data.get("miniprogramRoot") if isinstance(data, dict) else None
        if isinstance(mp_root, str) and is_file(directory / mp_root / "app.json"):
            return (directory / mp_root).resolve()
    return None


def lists_skill(root: Path, skill_dir: Path) -> bool:
    """Whether ``root/app.json`` lists ``skill_dir`` in agent.skills (tolerant: any doubt is "no")."""
    app = read_json(root / "app.json", root=root).data
    agent = app.get("agent") if isinstance(app, dict) else None
    entries = agent.get("skills") if isinstance(agent, dict) else None
    if not isinstance(entries, list):
        return False
    for entry in entries:
        path = entry.get("path") if isinstance(entry, dict) else None
        if isinstance(path, str) and path.strip() and "\0" not in path and (root / norm_rel(path)).resolve() == skill_dir:
            return True
    return False


def string_list(doc: JsonDoc, obj: dict[str, Any], key: str, at: tuple[str | int, ...]) -> list[str]:
    """``obj[key]`` as a list of strings ([] when absent); anything else is an error at ``at``."""
    value = obj.get(key)
    if value is None:
        return []
    name = ".".join(str(step) for step in at)
    if not isinstance(value, list):
        raise doc.error(f'"{name}" must be an array of strings, got {json_type(value)}', at=at)
    for i, item in enumerate(value):
        if not isinstance(item, str):
            raise doc.error(f'"{name}[{i}]" must be a string, got {json_type(item)}', at=(*at, i))
    return value


def read_subpackages(doc: JsonDoc, app: dict[str, Any]) -> tuple[SubPackage, ...]:
    """``subPackages`` (WeChat also accepts the spelling ``subpackages``)."""
    key = "subPackages" if "subPackages" in app else "subpackages"
    raw = app.get(key)
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise doc.error(
            f'"{key}" must be an array, got {json_type(raw)}',
            at=(key,),
            hint='write "subPackages": [{"root": "skills", "independent": true, "pages": []}]',
        )
    result: list[SubPackage] = []
    for i, entry in enumerate(raw):
        if not isinstance(entry, dict):
            raise doc.error(f"{key}[{i}] must be an object, got {json_type(entry)}", at=(key, i))
        root = entry.get("root")
        if not isinstance(root, str) or not norm_rel(root):
            raise doc.error(
                f'{key}[{i}]: "root" must be a non-empty string',
                at=(key, i, "root"),
                hint='name the subpackage folder, e.g. "root": "skills"',
            )
        independent = entry.get("independent", False)
        if not isinstance(independent, bool):
            raise doc.error(
                f'{key}[{i}]: "independent" must be true or false, got {json_type(independent)}',
                at=(key, i, "independent"),
            )
        pages = string_list(doc, entry, "pages", (key, i, "pages"))
        result.append(SubPackage(root=norm_rel(root), independent=independent, pages=tuple(pages)))
    return tuple(result)


_ENTRY_HINTS = {
    "name": 'give the skill a short identifier, e.g. "name": "coffee"',
    "description": "describe in one sentence what the skill does; the backend rejects an empty description (V016)",
    "path": 'give the skill folder relative to app.json, e.g. "path": "skills/coffee"',
}


def read_app_skills(doc: JsonDoc, agent: dict[str, Any], subpackages: Sequence[SubPackage]) -> tuple[Skill, ...]:
    """Validate ``agent.skills`` and load each skill package."""
    raw = agent.get("skills")
    if raw is None:
        return ()
    root = doc.path.parent
    if not isinstance(raw, list):
        raise doc.error(
            f'"agent.skills" must be an array, got {json_type(raw)}',
            at=("agent", "skills"),
            hint='write "skills": [{"name": ..., "description": ..., "path": "skills/..."}]',
        )
    skills: list[Skill] = []
    first_index: dict[str, int] = {}
    for i, entry in enumerate(raw):
        at: tuple[str | int, ...] = ("agent", "skills", i)
        if not isinstance(entry, dict):
            raise doc.error(
                f"agent.skills[{i}] must be an object, got {json_type(entry)}",
                at=at,
                hint='write {"name": ..., "description": ..., "path": "skills/..."}',
            )
        for key in ("name", "description", "path"):
            value = entry.get(key)
            if not isinstance(value, str) or not value.strip():
                problem = (
                    "is missing"
                    if value is None
                    else ("is empty" if isinstance(value, str) else f"must be a string, got {json_type(value)}")
                )
                label = f" ({entry['name']!r})" if key != "name" and isinstance(entry.get("name"), str) else ""
                raise doc.error(f'agent.skills[{i}]{label}: "{key}" {problem}', at=(*at, key), hint=_ENTRY_HINTS[key])
        name: str = entry["name"]
        path = norm_rel(entry["path"])
        if ".." in PurePosixPath(path).parts or not path:
            raise doc.error(
                f"skill {name!r}: path {entry['path']!r} leaves the project",
                at=(*at, "path"),
                hint=_ENTRY_HINTS["path"],
            )
        if name in first_index:
            line, _ = doc.position(("agent", "skills", first_index[name]))
            raise doc.error(
                f"duplicate skill name {name!r} (first used by agent.skills[{first_index[name]}], line {line})",
                at=(*at, "name"),
                hint="skill names must be unique; rename one of them",
            )
        first_index[name] = i
        containing = [sp.root for sp in subpackages if path == sp.root or path.startswith(sp.root + "/")]
        # Outside every subpackage the first segment stands in; the linter reports it (§9.1 rule 2).
        subpackage_root = max(containing, key=len) if containing else path.split("/", 1)[0]

        def entry_error(message: str, hint: str, at: tuple[str | int, ...] = (*at, "path")) -> ProjectError:
            return doc.error(message, at=at, hint=hint)

        skills.append(
            load_skill(
                root,
                name=name,
                description=entry["description"].strip(),
                path=path,
                subpackage_root=subpackage_root,
                entry_error=entry_error,
            )
        )
    return tuple(skills)


def read_instruction(doc: JsonDoc, agent: dict[str, Any]) -> tuple[str | None, str | None]:
    """(configured path, text) of ``agent.instruction``; the text is None when the file is missing."""
    value = agent.get("instruction")
    if value is None:
        return None, None
    if not isinstance(value, str) or not value.strip():
        raise doc.error(
            f'"agent.instruction" must be a file path, got {"an empty string" if isinstance(value, str) else json_type(value)}',
            at=("agent", "instruction"),
            hint='write "instruction": "AGENTS.md"',
        )
    root = doc.path.parent
    file = root / norm_rel(value)
    # A missing file is the linter's finding (§9.1 rule 7): the skills still run without it.
    return value, read_text(file, root=root) if is_file(file) else None


def read_page_metadata(doc: JsonDoc, app: dict[str, Any], agent: dict[str, Any]) -> tuple[str | None, dict[str, Any] | None]:
    """(configured path, JSON) of ``agent.pageMetadata``, else of the [INT] top-level ``pageMetadata``."""
    at: tuple[str, ...] = ("agent", "pageMetadata")
    value = agent.get("pageMetadata")
    if value is None:
        at = ("pageMetadata",)
        value = app.get("pageMetadata")
    if value is None:
        return None, None
    if isinstance(value, dict):
        return None, value  # [INT] may inline it; accept the object as is
    if not isinstance(value, str) or not value.strip():
        raise doc.error(
            f'"{".".join(at)}" must be a file path, got {json_type(value)}',
            at=at,
            hint='write "pageMetadata": "page-meta.json"',
        )
    root = doc.path.parent
    file = root / norm_rel(value)
    if not is_file(file):
        return value, None  # the linter reports the missing file (§9.1 rule 8)
    meta = read_json(file, root=root)
    if not isinstance(meta.data, dict):
        raise meta.error(
            f"page metadata must be a JSON object, got {json_type(meta.data)}",
            hint='write {"pages": [{"path": "pages/home/home", "name": ..., "description": ...}]}',
        )
    return value, meta.data
