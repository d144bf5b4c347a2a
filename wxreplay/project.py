"""Load a Mini Program project (``app.json``) and its AI skills (``mcp.json``, components).

This module only *reads* the project: it turns ``app.json``, each skill's ``mcp.json`` and the
files around them into frozen dataclasses, and raises :class:`~wxreplay.errors.ProjectError` with
file, line and a fix for anything that stops a skill from being run at all (malformed JSON, a
missing ``index.js``, an API without ``inputSchema``...). Everything that is merely *wrong by the
platform's rules* (no ``SKILL.md``, a skill outside an independent subpackage, a dangling
``componentPath``) loads fine and is left to the linter, which can find the original values in the
``raw`` fields.

Where the platform's sources disagree (platform-spec §0.1) both forms are accepted:

- handoff page: ``apis[]._meta.ui.pagePath`` (preferred) or the [INT] top-level ``apis[].pagePath``;
- card page: ``components[].relatedPage`` (preferred) or the [INT] ``components[].pagePath``;
- realtime cards: ``permissions["scope.dynamic"]``, its old name ``scope.network``, or [INT]
  ``realtime: true``;
- page metadata: ``app.json agent.pageMetadata`` (preferred) or [INT] top-level ``pageMetadata``.

Paths kept in the dataclasses are posix strings relative to the project root (or to the skill
directory, for ``componentPath``); page paths carry a leading ``/`` and ``Project.pages`` none,
mirroring how ``app.json`` and ``mcp.json`` write them.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from wxreplay.errors import ProjectError, UnknownApiError
from wxreplay.jsonfile import JsonDoc, display_path, json_type, read_json, read_text

__all__ = ["DEFAULT_EXPIRED_TEXT", "ApiDecl", "ComponentDecl", "Project", "Skill", "SubPackage"]

#: Overlay text of an expired card when ``expiredText`` is not given (platform-spec §2).
DEFAULT_EXPIRED_TEXT = "服务已过期"

#: Files whose presence marks a directory as a skill package when it is passed to ``Project.load``.
_SKILL_MARKERS = ("mcp.json", "index.js", "SKILL.md")

#: What the V8 runtime may ``require()``: scripts, JSON data and WXS modules.
_SOURCE_SUFFIXES = frozenset({".js", ".json", ".wxs"})

#: The four files of a custom component, in the order the platform lists them.
_COMPONENT_EXTENSIONS = ("js", "json", "wxml", "wxss")

_NO_ARGS_SCHEMA = '"inputSchema": {"type": "object", "properties": {}}'


# -- declarations ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiDecl:
    """One entry of ``mcp.json`` ``apis[]``."""

    name: str
    description: str  # "" when missing: the linter reports it, calling the API still works
    input_schema: dict[str, Any]
    output_schema: dict[str, Any] | None
    component_path: str | None  # _meta.ui.componentPath, relative to the skill dir, no extension
    page_path: str | None  # _meta.ui.pagePath or [INT] apis[].pagePath, with a leading "/"
    raw: dict[str, Any]  # the entry as written, for checks that need exact strings (V015, V017)


@dataclass(frozen=True)
class ComponentDecl:
    """One entry of ``mcp.json`` ``components[]`` (or the defaults for an undeclared card)."""

    path: str  # relative to the skill dir, e.g. "components/drink-list/index"
    related_page: str | None  # relatedPage or [INT] components[].pagePath, with a leading "/"
    dynamic: bool  # permissions["scope.dynamic"] / legacy "scope.network" / [INT] realtime: true
    dynamic_desc: str | None
    expirable: bool
    expired_text: str
    raw: dict[str, Any]  # {} when the component is only named by an API's componentPath


@dataclass(frozen=True)
class SubPackage:
    """One ``app.json`` ``subPackages[]`` entry."""

    root: str  # posix, no leading or trailing "/"
    independent: bool
    pages: tuple[str, ...]  # as written, relative to ``root``


# -- skill ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Skill:
    """A skill package: ``SKILL.md``, ``index.js``, ``mcp.json`` and the code around them."""

    name: str
    description: str
    path: str  # as in app.json agent.skills[].path ("skills/coffee"); equals createSkill()'s argument
    dir: Path  # absolute directory of the skill
    subpackage_root: str  # "skills": the directory require() may not escape, relative to the root
    skill_md: str  # "" when SKILL.md is missing: the linter reports it, loading does not fail
    apis: tuple[ApiDecl, ...]
    components: tuple[ComponentDecl, ...]
    mcp_path: Path
    index_js: Path
    # Holds source_files() once computed: the runtime asks for it on every new V8 context.
    _cache: dict[str, dict[str, str]] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def root(self) -> Path:
        """The project root: ``dir`` with the segments of ``path`` removed."""
        root = self.dir
        for _ in PurePosixPath(self.path).parts:
            root = root.parent
        return root

    def _label(self, path: Path) -> str:
        return display_path(path, self.root)

    def api_names(self) -> tuple[str, ...]:
        """Names of the declared APIs, in ``mcp.json`` order."""
        return tuple(api.name for api in self.apis)

    def api(self, name: str) -> ApiDecl:
        """The API declared as ``name``; :class:`UnknownApiError` (with a did-you-mean) otherwise."""
        for api in self.apis:
            if api.name == name:
                return api
        names = self.api_names()
        close = difflib.get_close_matches(name, names, n=1)
        declared = ", ".join(names) if names else "none"
        hint = (
            f"did you mean {close[0]!r}?"
            if close
            else "declare it in mcp.json apis[] and register it in index.js with registerAPI()"
        )
        raise UnknownApiError(
            f"skill {self.name!r} declares no API {name!r} (declared: {declared})",
            api=name,
            file=self._label(self.mcp_path),
            hint=hint,
        )

    def component(self, path: str) -> ComponentDecl | None:
        """The ``components[]`` entry for ``path`` (compared after normalisation), if declared."""
        wanted = _norm_rel(path)
        for component in self.components:
            if component.path == wanted:
                return component
        return None

    def component_for(self, api: str) -> ComponentDecl | None:
        """The card bound to API ``api`` through ``_meta.ui.componentPath``, or None.

        A componentPath without a ``components[]`` entry still yields a declaration with the
        platform defaults (not dynamic, not expirable), so the card can be rendered; the linter
        reports the missing entry (V015).
        """
        decl = self.api(api)
        if decl.component_path is None:
            return None
        found = self.component(decl.component_path)
        if found is not None:
            return found
        return ComponentDecl(
            path=decl.component_path,
            related_page=None,
            dynamic=False,
            dynamic_desc=None,
            expirable=False,
            expired_text=DEFAULT_EXPIRED_TEXT,
            raw={},
        )

    def source_files(self) -> dict[str, str]:
        """Every ``.js``, ``.json`` and ``.wxs`` file under the subpackage root, by posix path.

        Keys are relative to the project root and sorted; ``node_modules`` and dot-directories are
        skipped. This is what the V8 runtime preloads, so ``require()`` resolves anything inside the
        subpackage root, including a sibling ``_shared/`` folder, and nothing outside it. Computed
        once per skill; each call returns a fresh dict.
        """
        cached = self._cache.get("source_files")
        if cached is None:
            root = self.root
            top = root / self.subpackage_root if self.subpackage_root else root
            found: dict[str, str] = {}
            for dirpath, dirnames, filenames in os.walk(top):
                # Pruning in place stops os.walk from descending at all (node_modules can be huge).
                dirnames[:] = [d for d in dirnames if d != "node_modules" and not d.startswith(".")]
                for filename in filenames:
                    file = Path(dirpath, filename)
                    if file.suffix in _SOURCE_SUFFIXES and file.is_file():
                        found[file.relative_to(root).as_posix()] = read_text(file, root=root)
            cached = dict(sorted(found.items()))
            self._cache["source_files"] = cached
        return dict(cached)

    def component_files(self, path: str) -> dict[str, str]:
        """The files of component ``path`` that exist, keyed ``"js"``, ``"json"``, ``"wxml"``, ``"wxss"``."""
        rel = _norm_rel(path)
        base = self.dir / rel
        top = self.root / self.subpackage_root
        if ".." in PurePosixPath(rel).parts and not Path(os.path.normpath(base)).is_relative_to(top):
            raise ProjectError(
                f"component path {path!r} of skill {self.name!r} leaves the subpackage {self.subpackage_root}/",
                file=self._label(self.mcp_path),
                hint="component paths are relative to the skill directory, e.g. components/card/index",
            )
        files: dict[str, str] = {}
        for ext in _COMPONENT_EXTENSIONS:
            file = base.with_name(f"{base.name}.{ext}")
            if file.is_file():
                files[ext] = read_text(file, root=self.root)
        return files


# -- project --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Project:
    """A Mini Program project with AI skills, or a single skill loaded on its own."""

    root: Path  # absolute; the folder holding app.json (the miniprogramRoot, if configured)
    app_json: dict[str, Any] | None  # None for a standalone skill directory
    skills: tuple[Skill, ...]
    instruction: str | None  # text of agent.instruction (AGENTS.md); None if unset or missing
    instruction_path: str | None  # as configured; set while ``instruction`` is None = file missing
    page_metadata: dict[str, Any] | None  # agent.pageMetadata JSON, or [INT] top-level pageMetadata
    pages: tuple[str, ...]  # "pages/home/home" and "<subpackage root>/<page>", no leading "/"
    subpackages: tuple[SubPackage, ...]
    lazy_code_loading: str | None
    page_metadata_path: str | None = None  # as configured; None when absent or given inline
    default_skill: str | None = None  # the skill whose directory was passed to load()

    @classmethod
    def load(cls, path: str | Path) -> Project:
        """Load a project root (with ``app.json``) or a single skill directory.

        - A directory with ``app.json`` (or a ``project.config.json`` whose ``miniprogramRoot``
          holds one), or the ``app.json`` file itself, loads the whole project.
        - A skill directory (with ``mcp.json``, ``index.js`` or ``SKILL.md``), or one of those
          files, first looks for an enclosing project: the nearest parent whose ``app.json``
          lists this directory in ``agent.skills``. That project is loaded and the skill becomes
          its ``default_skill``.
        - Otherwise the skill stands alone. Its parent is taken as the subpackage root and the
          grandparent as the project root, so ``skills/coffee`` gets ``path="skills/coffee"``
          (what ``createSkill()`` is called with by convention), ``subpackage_root="skills"``, and
          ``require('../_shared/x')`` resolves inside the subpackage as it would on the device.
          Its name is the directory name and its description comes from SKILL.md front matter
          (``description:``) when there is one.
        """
        given = Path(path)
        target = given.resolve()
        if not target.exists():
            raise ProjectError(
                f"no such file or directory: {given}",
                hint="pass the folder that contains app.json, or a skill folder containing mcp.json",
            )
        if target.is_file():
            if target.name == "app.json":
                return cls._load_app(target.parent)
            if target.name in _SKILL_MARKERS:
                return cls._load_skill_dir(target.parent)
            raise ProjectError(
                f"{given} is neither a project nor a skill",
                hint="pass the folder that contains app.json, or a skill folder containing mcp.json",
            )
        app_root = _app_root(target)
        if app_root is not None:
            return cls._load_app(app_root)
        if any((target / marker).is_file() for marker in _SKILL_MARKERS):
            return cls._load_skill_dir(target)
        raise ProjectError(
            f"{given} is neither a Mini Program project nor a skill directory",
            hint="pass the folder that contains app.json, or a skill folder with SKILL.md, index.js and mcp.json",
        )

    @classmethod
    def _load_app(cls, root: Path) -> Project:
        """Load the project whose ``app.json`` is in ``root``."""
        doc = read_json(root / "app.json", root=root)
        app = doc.data
        if not isinstance(app, dict):
            raise doc.error(
                f"app.json must be a JSON object, got {json_type(app)}",
                hint='start from {"pages": ["pages/index/index"], "agent": {"skills": []}}',
            )
        main_pages = tuple(_norm_rel(p) for p in _string_list(doc, app, "pages", ("pages",)))
        subpackages = _subpackages(doc, app)
        pages = main_pages + tuple(f"{sp.root}/{_norm_rel(p)}" for sp in subpackages for p in sp.pages)
        lazy = app.get("lazyCodeLoading")
        if lazy is not None and not isinstance(lazy, str):
            raise doc.error(
                f'"lazyCodeLoading" must be a string, got {json_type(lazy)}',
                at=("lazyCodeLoading",),
                hint='write "lazyCodeLoading": "requiredComponents"',
            )
        agent = app.get("agent")
        if agent is None:
            agent = {}
        elif not isinstance(agent, dict):
            raise doc.error(
                f'"agent" must be an object, got {json_type(agent)}',
                at=("agent",),
                hint='write "agent": {"skills": [{"name": ..., "description": ..., "path": "skills/..."}]}',
            )
        skills = _app_skills(doc, agent, subpackages)
        instruction_path, instruction = _instruction(doc, agent)
        page_metadata_path, page_metadata = _page_metadata(doc, app, agent)
        return cls(
            root=root,
            app_json=app,
            skills=skills,
            instruction=instruction,
            instruction_path=instruction_path,
            page_metadata=page_metadata,
            pages=pages,
            subpackages=subpackages,
            lazy_code_loading=lazy,
            page_metadata_path=page_metadata_path,
        )

    @classmethod
    def _load_skill_dir(cls, skill_dir: Path) -> Project:
        """Load a skill directory: through its enclosing project if one lists it, else standalone."""
        for parent in skill_dir.parents:
            if not (parent / "app.json").is_file():
                continue
            if _lists_skill(parent, skill_dir):
                project = cls._load_app(parent)
                for skill in project.skills:
                    if skill.dir.resolve() == skill_dir:
                        return replace(project, default_skill=skill.name)
        return cls._standalone(skill_dir)

    @classmethod
    def _standalone(cls, skill_dir: Path) -> Project:
        """A project made of one skill directory that no ``app.json`` lists (see :meth:`load`)."""
        parent = skill_dir.parent
        if parent.parent == parent:
            # The skill sits right under the filesystem root: nothing sensible above it.
            root, path, subpackage_root = parent, skill_dir.name, skill_dir.name
        else:
            root, path, subpackage_root = parent.parent, f"{parent.name}/{skill_dir.name}", parent.name
        skill_md_file = skill_dir / "SKILL.md"
        skill_md = read_text(skill_md_file, root=root) if skill_md_file.is_file() else ""

        def where(message: str, hint: str) -> ProjectError:
            return ProjectError(message, file=display_path(skill_dir, root), hint=hint)

        skill = _load_skill(
            root,
            name=skill_dir.name,
            description=_front_matter(skill_md).get("description", ""),
            path=path,
            subpackage_root=subpackage_root,
            entry_error=where,
        )
        return cls(
            root=root,
            app_json=None,
            skills=(skill,),
            instruction=None,
            instruction_path=None,
            page_metadata=None,
            pages=(),
            subpackages=(),
            lazy_code_loading=None,
            default_skill=skill.name,
        )

    def _label(self, path: Path) -> str:
        return display_path(path, self.root)

    def skill(self, name: str | None = None) -> Skill:
        """The skill called ``name``; without a name, the loaded skill directory or the only skill."""
        names = [s.name for s in self.skills]
        if name is None:
            name = self.default_skill
        if name is None:
            if len(self.skills) == 1:
                return self.skills[0]
            if not self.skills:
                raise ProjectError(
                    "the project declares no skills",
                    file=self._label(self.root / "app.json"),
                    hint='add one to app.json: "agent": {"skills": [{"name": ..., "description": ..., "path": "skills/..."}]}',
                )
            raise ProjectError(
                f"the project has {len(names)} skills ({', '.join(names)}); say which one",
                file=self._label(self.root / "app.json"),
                hint=f"pass a skill name, e.g. {names[0]!r}",
            )
        for skill in self.skills:
            if skill.name == name:
                return skill
        close = difflib.get_close_matches(name, names, n=1)
        raise ProjectError(
            f"no skill named {name!r} (skills: {', '.join(names) or 'none'})",
            file=self._label(self.root / "app.json") if self.app_json is not None else None,
            hint=f"did you mean {close[0]!r}?" if close else "use one of the names in app.json agent.skills",
        )

    def is_routable(self, page: str) -> bool:
        """Whether ``page`` ("/pages/x" or "pages/x", any "?query" ignored) is declared in app.json."""
        bare = page.split("?", 1)[0].split("#", 1)[0].strip().strip("/")
        return bare in self.pages

    def describe(self) -> dict[str, Any]:
        """A JSON-able summary of the project for ``wxreplay describe`` (no absolute paths)."""
        return {
            "root": display_path(self.root, self.root),
            "standalone": self.app_json is None,
            "lazy_code_loading": self.lazy_code_loading,
            "instruction": self.instruction_path,
            "page_metadata": self.page_metadata_path,
            "pages": list(self.pages),
            "subpackages": [
                {"root": sp.root, "independent": sp.independent, "pages": list(sp.pages)}
                for sp in self.subpackages
            ],
            "skills": [_describe_skill(skill) for skill in self.skills],
        }


def _describe_skill(skill: Skill) -> dict[str, Any]:
    """The ``describe()`` entry of one skill."""
    used_by: dict[str, list[str]] = {}
    for api in skill.apis:
        if api.component_path is not None:
            used_by.setdefault(api.component_path, []).append(api.name)
    return {
        "name": skill.name,
        "description": skill.description,
        "path": skill.path,
        "subpackage_root": skill.subpackage_root,
        "skill_md": bool(skill.skill_md),
        "apis": [
            {
                "name": api.name,
                "description": api.description,
                "component": api.component_path,
                "page": api.page_path,
                "output_schema": api.output_schema is not None,
            }
            for api in skill.apis
        ],
        "components": [
            {
                "path": c.path,
                "related_page": c.related_page,
                "dynamic": c.dynamic,
                "expirable": c.expirable,
                "expired_text": c.expired_text,
                "apis": used_by.get(c.path, []),
            }
            for c in skill.components
        ],
    }


# -- helpers: paths -------------------------------------------------------------------------------


def _norm_rel(path: str) -> str:
    """Posix form without "./" segments and without leading or trailing "/" ("./a//b/" -> "a/b")."""
    return str(PurePosixPath("/", path.replace("\\", "/").strip())).strip("/")


def _norm_page(path: str) -> str:
    """Page path with exactly one leading "/" ("pages/x" -> "/pages/x"), query kept as written."""
    return "/" + path.strip().lstrip("/")


def _app_root(directory: Path) -> Path | None:
    """The folder holding app.json for ``directory``, following project.config.json's miniprogramRoot."""
    if (directory / "app.json").is_file():
        return directory
    config = directory / "project.config.json"
    if config.is_file():
        data = read_json(config, root=directory).data
        mp_root = data.get("miniprogramRoot") if isinstance(data, dict) else None
        if isinstance(mp_root, str) and (directory / mp_root / "app.json").is_file():
            return (directory / mp_root).resolve()
    return None


def _lists_skill(root: Path, skill_dir: Path) -> bool:
    """Whether ``root/app.json`` lists ``skill_dir`` in agent.skills (tolerant: any doubt is "no")."""
    app = read_json(root / "app.json", root=root).data
    agent = app.get("agent") if isinstance(app, dict) else None
    entries = agent.get("skills") if isinstance(agent, dict) else None
    if not isinstance(entries, list):
        return False
    for entry in entries:
        path = entry.get("path") if isinstance(entry, dict) else None
        if isinstance(path, str) and path.strip() and (root / _norm_rel(path)).resolve() == skill_dir:
            return True
    return False


def _front_matter(markdown: str) -> dict[str, str]:
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


# -- helpers: app.json ----------------------------------------------------------------------------


def _string_list(doc: JsonDoc, obj: dict[str, Any], key: str, at: tuple[str | int, ...]) -> list[str]:
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


def _subpackages(doc: JsonDoc, app: dict[str, Any]) -> tuple[SubPackage, ...]:
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
        if not isinstance(root, str) or not _norm_rel(root):
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
        pages = _string_list(doc, entry, "pages", (key, i, "pages"))
        result.append(SubPackage(root=_norm_rel(root), independent=independent, pages=tuple(pages)))
    return tuple(result)


_ENTRY_HINTS = {
    "name": 'give the skill a short identifier, e.g. "name": "coffee"',
    "description": "describe in one sentence what the skill does; the backend rejects an empty description (V016)",
    "path": 'give the skill folder relative to app.json, e.g. "path": "skills/coffee"',
}


def _app_skills(doc: JsonDoc, agent: dict[str, Any], subpackages: Sequence[SubPackage]) -> tuple[Skill, ...]:
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
                    else (
                        "is empty" if isinstance(value, str) else f"must be a string, got {json_type(value)}"
                    )
                )
                label = (
                    f" ({entry['name']!r})" if key != "name" and isinstance(entry.get("name"), str) else ""
                )
                raise doc.error(
                    f'agent.skills[{i}]{label}: "{key}" {problem}', at=(*at, key), hint=_ENTRY_HINTS[key]
                )
        name: str = entry["name"]
        path = _norm_rel(entry["path"])
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
            _load_skill(
                root,
                name=name,
                description=entry["description"].strip(),
                path=path,
                subpackage_root=subpackage_root,
                entry_error=entry_error,
            )
        )
    return tuple(skills)


def _instruction(doc: JsonDoc, agent: dict[str, Any]) -> tuple[str | None, str | None]:
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
    file = root / _norm_rel(value)
    # A missing file is the linter's finding (§9.1 rule 7): the skills still run without it.
    return value, read_text(file, root=root) if file.is_file() else None


def _page_metadata(
    doc: JsonDoc, app: dict[str, Any], agent: dict[str, Any]
) -> tuple[str | None, dict[str, Any] | None]:
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
    file = root / _norm_rel(value)
    if not file.is_file():
        return value, None  # the linter reports the missing file (§9.1 rule 8)
    meta = read_json(file, root=root)
    if not isinstance(meta.data, dict):
        raise meta.error(
            f"page metadata must be a JSON object, got {json_type(meta.data)}",
            hint='write {"pages": [{"path": "pages/home/home", "name": ..., "description": ...}]}',
        )
    return value, meta.data


# -- helpers: skill packages and mcp.json ---------------------------------------------------------


def _load_skill(
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
    if not skill_dir.is_dir():
        what = "is not a directory" if skill_dir.exists() else "does not exist"
        raise entry_error(
            f"skill {name!r}: {path}/ {what}",
            f"create {path}/ with SKILL.md, index.js and mcp.json, or fix the path (relative to app.json)",
        )
    mcp_path = skill_dir / "mcp.json"
    if not mcp_path.is_file():
        raise ProjectError(
            f"skill {name!r} has no mcp.json",
            file=display_path(mcp_path, root),
            hint='create it to declare the APIs: {"apis": [{"name": ..., "description": ..., '
            + _NO_ARGS_SCHEMA
            + "}]}",
        )
    index_js = skill_dir / "index.js"
    if not index_js.is_file():
        raise ProjectError(
            f"skill {name!r} has no index.js",
            file=display_path(index_js, root),
            hint="create it and register every API of mcp.json: wx.modelContext.registerAPI('name', async (args) => ...)",
        )
    skill_md_file = skill_dir / "SKILL.md"
    skill_md = read_text(skill_md_file, root=root) if skill_md_file.is_file() else ""
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


def _optional(
    doc: JsonDoc, obj: dict[str, Any], key: str, kind: type, at: tuple[str | int, ...], what: str
) -> Any:
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
        raise doc.error(
            f"mcp.json must be a JSON object, got {json_type(data)}", hint='start from {"apis": []}'
        )
    if "apis" not in data:
        raise doc.error(
            'mcp.json has no "apis" array', hint='add "apis": [...] listing the skill\'s atomic APIs'
        )
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
        component_path=_norm_rel(component_path) if component_path and component_path.strip() else None,
        page_path=_norm_page(page_path) if page_path and page_path.strip() else None,
        raw=raw,
    )


def _parse_component(doc: JsonDoc, raw: Any, j: int) -> ComponentDecl:
    """One ``components[j]`` entry."""
    at: tuple[str | int, ...] = ("components", j)
    if not isinstance(raw, dict):
        raise doc.error(f"components[{j}] must be an object, got {json_type(raw)}", at=at)
    path = raw.get("path")
    if not isinstance(path, str) or not _norm_rel(path):
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
        path=_norm_rel(path),
        related_page=_norm_page(related) if related and related.strip() else None,
        dynamic=dynamic_key is not None or realtime is True,
        dynamic_desc=dynamic_desc,
        expirable=bool(expirable),
        expired_text=DEFAULT_EXPIRED_TEXT if expired_text is None else expired_text,
        raw=raw,
    )
