"""The :class:`Project`: a Mini Program with AI skills (or one skill on its own), loaded and described."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from wxreplay.errors import ProjectError
from wxreplay.jsonfile import display_path, json_type, read_json, read_text
from wxreplay.project.app_loader import (
    find_app_root,
    lists_skill,
    read_app_skills,
    read_instruction,
    read_page_metadata,
    read_subpackages,
    string_list,
)
from wxreplay.project.declarations import SubPackage, norm_rel
from wxreplay.project.skill import Skill
from wxreplay.project.skill_loader import front_matter, load_skill
from wxreplay.source import did_you_mean

__all__ = ["Project"]

#: Files whose presence marks a directory as a skill package when it is passed to ``Project.load``.
_SKILL_MARKERS = ("mcp.json", "index.js", "SKILL.md")


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

    def __post_init__(self) -> None:
        # Skills of one subpackage preload the same sources: read and encode them once per loaded
        # project, not once per skill (a 30-skill project read every file 30 times).
        shared: dict[tuple[str, str], dict[str, object]] = {}
        for skill in self.skills:
            skill.share_sources(shared.setdefault((str(skill.root), skill.subpackage_root), skill.source_cache()))

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
            dangling = _dangling_link(given)
            if dangling is not None:
                raise dangling
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
        app_root = find_app_root(target)
        if app_root is not None:
            return cls._load_app(app_root)
        if any((target / marker).is_file() for marker in _SKILL_MARKERS):
            return cls._load_skill_dir(target)
        dangling = _dangling_marker(given)
        if dangling is not None:
            raise dangling
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
        main_pages = tuple(norm_rel(p) for p in string_list(doc, app, "pages", ("pages",)))
        subpackages = read_subpackages(doc, app)
        pages = main_pages + tuple(f"{sp.root}/{norm_rel(p)}" for sp in subpackages for p in sp.pages)
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
        skills = read_app_skills(doc, agent, subpackages)
        instruction_path, instruction = read_instruction(doc, agent)
        page_metadata_path, page_metadata = read_page_metadata(doc, app, agent)
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
            if lists_skill(parent, skill_dir):
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

        skill = load_skill(
            root,
            name=skill_dir.name,
            description=front_matter(skill_md).get("description", ""),
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
        close = did_you_mean(name, names)
        raise ProjectError(
            f"no skill named {name!r} (skills: {', '.join(names) or 'none'})",
            file=self._label(self.root / "app.json") if self.app_json is not None else None,
            hint=f"did you mean {close!r}?" if close else "use one of the names in app.json agent.skills",
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
            "subpackages": [{"root": sp.root, "independent": sp.independent, "pages": list(sp.pages)} for sp in self.subpackages],
            "skills": [_describe_skill(skill) for skill in self.skills],
        }


def _dangling_link(link: Path) -> ProjectError | None:
    """The error for ``link`` when it is a symbolic link whose target does not exist, else None."""
    if not link.is_symlink() or link.exists():
        return None
    try:
        points_to = os.readlink(link)
    except OSError:  # pragma: no cover (a link that vanished between the two calls)
        return None
    resolved = link.parent / points_to
    shown = points_to if os.path.isabs(points_to) else f"{points_to} (that is {os.path.normpath(resolved)})"
    return ProjectError(
        f"{link} is a dangling symbolic link: it points to {shown}, which does not exist",
        hint=f"restore {os.path.normpath(resolved)}, or replace the link with the file itself",
    )


def _dangling_marker(directory: Path) -> ProjectError | None:
    """The error for a project or skill file in ``directory`` that is a dangling link (``app.json`` first)."""
    for name in ("app.json", "project.config.json", *_SKILL_MARKERS):
        found = _dangling_link(directory / name)
        if found is not None:
            return found
    return None


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
