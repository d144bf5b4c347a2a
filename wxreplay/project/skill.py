"""A loaded skill package: its declarations, and the files the runtime reads from it."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from wxreplay.errors import ProjectError, UnknownApiError
from wxreplay.jsonfile import display_path, read_text
from wxreplay.project.declarations import DEFAULT_EXPIRED_TEXT, ApiDecl, ComponentDecl, norm_rel
from wxreplay.project.source_bundle import SourceBundle, bundle_sources
from wxreplay.source import did_you_mean, is_file

__all__ = ["Skill"]

#: What the V8 runtime may ``require()``: scripts, JSON data and WXS modules.
_SOURCE_SUFFIXES = frozenset({".js", ".json", ".wxs"})

#: The four files of a custom component, in the order the platform lists them.
_COMPONENT_EXTENSIONS = ("js", "json", "wxml", "wxss")


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
    # Holds source_files() (and its bundle) once computed: the runtime asks for it on every new
    # V8 context. Skills of one subpackage share it (Project links them: share_sources).
    _cache: dict[str, object] = field(default_factory=dict, init=False, repr=False, compare=False)

    def source_cache(self) -> dict[str, object]:
        """The cache of :meth:`source_files`, to share with the other skills of the same subpackage."""
        return self._cache

    def share_sources(self, cache: dict[str, object]) -> None:
        """Use ``cache`` (another skill's :meth:`source_cache`, same project root and subpackage) as this skill's."""
        object.__setattr__(self, "_cache", cache)

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
        close = did_you_mean(name, names)
        declared = ", ".join(names) if names else "none"
        hint = (
            f"did you mean {close!r}?"
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
        wanted = norm_rel(path)
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
        once per subpackage (skills of one project share it); each call returns a fresh dict.
        """
        return dict(self._sources())

    def _sources(self) -> dict[str, str]:
        cached = self._cache.get("source_files")
        if not isinstance(cached, dict):
            root = self.root
            top = root / self.subpackage_root if self.subpackage_root else root
            found: dict[str, str] = {}
            for dirpath, dirnames, filenames in os.walk(top):
                # Pruning in place stops os.walk from descending at all (node_modules can be huge).
                dirnames[:] = [d for d in dirnames if d != "node_modules" and not d.startswith(".")]
                # Keys by string arithmetic, one relative directory per directory: a large subpackage
                # has hundreds of files, and Path operations per file were most of reading them.
                rel_dir = Path(dirpath).relative_to(root).as_posix()
                prefix = "" if rel_dir == "." else rel_dir + "/"
                for filename in filenames:
                    if os.path.splitext(filename)[1] not in _SOURCE_SUFFIXES:
                        continue
                    file = Path(dirpath, filename)
                    if file.is_file():
                        found[prefix + filename] = read_text(file, root=root)
            cached = dict(sorted(found.items()))
            self._cache["source_files"] = cached
        return cached

    def source_bundle(self) -> SourceBundle:
        """:meth:`source_files` as V8 takes them (:mod:`wxreplay.project.source_bundle`), made once per subpackage."""
        bundle = self._cache.get("source_bundle")
        if not isinstance(bundle, SourceBundle):
            bundle = bundle_sources(self._sources())
            self._cache["source_bundle"] = bundle
        return bundle

    def component_files(self, path: str) -> dict[str, str]:
        """The files of component ``path`` that exist, keyed ``"js"``, ``"json"``, ``"wxml"``, ``"wxss"``."""
        rel = norm_rel(path)
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
            if is_file(file):
                files[ext] = read_text(file, root=self.root)
        return files
