"""What one lint target is: the project (loaded by :mod:`wxreplay.project`), its skills, and cached file facts.

A project that the loader refuses (a broken ``mcp.json``, a missing ``index.js``) is still linted:
the loader's error becomes a finding, the skills are found the tolerant way (``app.json``'s
``agent.skills`` paths, or the directory given) and every rule that needs only files still runs.
Rules that need the loaded :class:`~wxreplay.project.Project` skip a target without one.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

from wxreplay.errors import LocatedError, ProjectError, WxReplayError
from wxreplay.jsonfile import loads_bounded
from wxreplay.lint.jsparse import JsFile, Syntax, parse_js
from wxreplay.lint.model import LintFinding
from wxreplay.lint.registry import RULES
from wxreplay.lint.runtime_facts import RuntimeFacts, load_facts
from wxreplay.project import Project, Skill
from wxreplay.project.app_loader import find_app_root
from wxreplay.project.declarations import norm_rel
from wxreplay.source import display_path, read_text

__all__ = ["MAX_FILE_BYTES", "LintContext", "SkillTarget"]

#: A file larger than this is reported (WXR113) and not parsed: no skill file is anywhere near it,
#: and parsing a huge generated file would make the linter slow for nothing.
MAX_FILE_BYTES = 2_000_000

T = TypeVar("T")

_MARKERS = ("mcp.json", "index.js", "SKILL.md")

#: The errors ``Path.is_file()`` answers False for (pathlib's ``_IGNORED_ERRNOS``); others raise.
_MISSING = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)

#: Skills whose ``index.js`` load at a time, beside the file rules. One: every session takes an isolate
#: the context pool booted ahead (bootstrap evaluated, subpackage sources handed over: runtime/pool.py), one at a
#: time on the pool's thread, which is the slower half of a load; a second loader only waited for the
#: pool, and took CPU from the file rules while it ran (30 distinct skills: loads alone 0.74 s with one
#: loader, 0.78 s with two; the lint 1.51 s against 1.55 s, on a busy two-core machine).
FACT_WORKERS = 1


@dataclass
class SkillTarget:
    """A skill directory to lint, with its loaded :class:`Skill` when the project loaded."""

    name: str
    dir: Path
    path: str  # "skills/coffee", relative to the project root
    skill: Skill | None = None


@dataclass
class LintContext:
    """One linted project (or skill directory) and the facts rules share, each computed once."""

    root: Path
    project: Project | None
    load_error: ProjectError | None
    skills: list[SkillTarget]
    app_json: dict[str, Any] | None = None
    _texts: dict[Path, str | LocatedError] = field(default_factory=dict)
    _js: dict[Path, JsFile | None] = field(default_factory=dict)
    _stats: dict[Path, os.stat_result | OSError | ValueError] = field(default_factory=dict)
    _resolved: dict[Path, Path] = field(default_factory=dict)
    _cwd: Path = field(default_factory=Path.cwd)  # labels are relative to it; it does not change during a lint
    _root_shown: _RootLabels | None = None
    _sources_read: bool = False
    _syntax: dict[str, Syntax] = field(default_factory=dict)  # JS parses by text, for files of equal text
    _facts: dict[str, Future[RuntimeFacts]] = field(default_factory=dict)
    _files: dict[Path, list[Path]] = field(default_factory=dict)
    _by_suffix: dict[tuple[Path, tuple[str, ...]], list[Path]] = field(default_factory=dict)
    _labels: dict[str, Path] = field(default_factory=dict)
    _label_of: dict[Path, str] = field(default_factory=dict)
    _relative: dict[str, str] = field(default_factory=dict)  # relative() by finding label
    cache: dict[tuple[str, Path], object] = field(default_factory=dict)  # other parsed forms, by rule families
    text_cache: dict[tuple[str, str], object] = field(default_factory=dict)  # parsed forms by (kind, file text)
    requires: dict[tuple[Path, Path, Path, str], tuple[str, str | None]] = field(default_factory=dict)  # resolved require()s

    # ---- building -----------------------------------------------------------------------------
    @classmethod
    def load(cls, given: str | Path) -> LintContext:
        """The lint target for a project root, an ``app.json``, a skill directory or one of its files."""
        target = Path(given).resolve()
        if not target.exists():
            raise ProjectError(f"no such file or directory: {given}", hint="pass a project folder (app.json) or a skill folder")
        try:
            project = Project.load(target)
        except ProjectError as e:
            found = cls._tolerant(target, e)
            if found.app_json is None and not found.skills and not (found.root / "app.json").exists():
                raise  # neither a project nor a skill: a usage error, not a finding
            return found
        skills = list(project.skills)
        if project.default_skill is not None and project.app_json is not None:
            skills = [s for s in skills if s.name == project.default_skill]
        targets = [SkillTarget(s.name, s.dir, s.path, s) for s in skills]
        return cls(project.root, project, None, targets, project.app_json)

    @classmethod
    def _tolerant(cls, target: Path, error: ProjectError) -> LintContext:
        """The target whose project the loader refused: found without it, the error kept."""
        directory = target.parent if target.is_file() else target
        app_root = None
        try:
            app_root = find_app_root(directory)
        except ProjectError:
            app_root = None
        if app_root is None and (directory / "app.json").is_file():
            app_root = directory
        if app_root is not None:
            app = _json_or_none(app_root / "app.json")
            skills: list[SkillTarget] = []
            agent = app.get("agent") if isinstance(app, dict) else None
            entries = agent.get("skills") if isinstance(agent, dict) else None
            for entry in entries if isinstance(entries, list) else ():
                path = entry.get("path") if isinstance(entry, dict) else None
                if isinstance(path, str) and path.strip() and "\0" not in path:
                    rel = norm_rel(path)
                    skill_dir = (app_root / rel).resolve()
                    if skill_dir.is_dir() and skill_dir.is_relative_to(app_root):
                        name = entry.get("name") if isinstance(entry.get("name"), str) else rel
                        skills.append(SkillTarget(str(name), skill_dir, rel))
            return cls(app_root, None, error, skills, app if isinstance(app, dict) else None)
        if any((directory / m).exists() for m in _MARKERS):
            root = directory.parent.parent if directory.parent.parent != directory.parent else directory.parent
            rel = directory.relative_to(root).as_posix()
            return cls(root, None, error, [SkillTarget(directory.name, directory, rel)])
        return cls(directory, None, error, [])

    # ---- facts --------------------------------------------------------------------------------
    def label(self, path: Path) -> str:
        """``path`` as findings show it (:func:`~wxreplay.source.display_path`: a path an editor opens from here)."""
        # Asked thousands of times per lint (every finding, parse and read): computed once per path.
        shown = self._label_of.get(path)
        if shown is None:
            shown = self._label_of[path] = self._display(path)
            self._labels[shown] = path
        return shown

    def _display(self, path: Path) -> str:
        """:func:`display_path` ``(path, self.root)``, with string operations for a file under the root.

        ``display_path`` builds and compares a handful of ``Path`` objects per call; for the thousand
        files of a large project, under the root (the usual case), the same answer is a prefix test.
        """
        if os.sep != "/":
            return display_path(path, self.root, cwd=self._cwd)
        if self._root_shown is None:
            self._root_shown = _RootLabels.of(self.root, self._cwd)
        return self._root_shown.show(path) or display_path(path, self.root, cwd=self._cwd)

    def path_of(self, label: str) -> Path:
        """The file a finding's ``file`` label names (the reverse of :meth:`label`)."""
        known = self._labels.get(label)
        if known is not None:
            return known
        here = Path(label)
        return here if here.exists() else self.root.parent / label

    def read_label(self, label: str) -> str | None:
        """The text of the file a finding's ``file`` label names (None when unreadable)."""
        return self.text(self.path_of(label))

    def relative(self, label: str) -> str:
        """A finding's file relative to the project root (posix), for ``per-file-ignores`` globs."""
        # Asked once per finding (a generated stylesheet can have thousands): resolved once per label.
        hit = self._relative.get(label)
        if hit is None:
            try:
                hit = self.resolve(self.path_of(label)).relative_to(self.resolve(self.root)).as_posix()
            except ValueError:
                hit = label
            self._relative[label] = hit
        return hit

    def read(self, path: Path) -> str | LocatedError:
        """The text of ``path``, or the error that stops reading it (binary, not UTF-8, too large)."""
        hit = self._texts.get(path)
        if hit is None:
            found = self._stat(path)
            if isinstance(found, ValueError):
                raise found
            if isinstance(found, OSError):
                hit = ProjectError(f"cannot read the file: {found.strerror}", file=self.label(path))
            else:
                size = found.st_size
                if size > MAX_FILE_BYTES:
                    hit = ProjectError(
                        f"the file is {size:,} bytes; the linter reads files up to {MAX_FILE_BYTES:,} bytes",
                        file=self.label(path),
                        hint="a skill package has no file this large: remove it, or keep generated data outside the subpackage",
                    )
                else:
                    try:
                        hit = read_text(path, label=self.label(path), error=ProjectError)
                    except ProjectError as e:
                        hit = e
            self._texts[path] = hit
        return hit

    def _stat(self, path: Path) -> os.stat_result | OSError | ValueError:
        # Once per path and lint: rules ask about the same files again and again, and each system
        # call lets the background skill loads take the GIL (this thread then waits to get it back).
        hit = self._stats.get(path)
        if hit is None:
            try:
                hit = os.stat(path)
            except (OSError, ValueError) as e:
                # Kept without its traceback: its frames hold this context (a reference cycle).
                hit = e.with_traceback(None)
            self._stats[path] = hit
        return hit

    def _is(self, path: Path, kind: Callable[[int], bool]) -> bool:
        found = self._stat(path)
        if isinstance(found, os.stat_result):
            return kind(found.st_mode)
        if isinstance(found, OSError) and found.errno not in _MISSING:
            raise found  # as Path.is_file() does: a permission error is not "no such file"
        return False

    def is_file(self, path: Path) -> bool:
        """``path.is_file()``, asked of the file system once per lint."""
        return self._is(path, stat.S_ISREG)

    def is_dir(self, path: Path) -> bool:
        """``path.is_dir()``, asked of the file system once per lint."""
        return self._is(path, stat.S_ISDIR)

    def size(self, path: Path) -> int | None:
        """The size of ``path`` in bytes (None when it cannot be stat'ed), asked of the file system once per lint."""
        found = self._stat(path)
        return found.st_size if isinstance(found, os.stat_result) else None

    def resolve(self, path: Path) -> Path:
        """``path.resolve()``, asked of the file system once per lint."""
        hit = self._resolved.get(path)
        if hit is None:
            hit = self._resolved[path] = path.resolve()
        return hit

    def per_lint(self, kind: str, where: Path, compute: Callable[[], T]) -> T:
        """``compute()``, once per lint for ``(kind, where)``: a fact about a file or folder (its parse, the
        cards or JS files under it) that a dozen rules ask for."""
        key = (kind, where)
        if key in self.cache:
            return cast(T, self.cache[key])
        found = self.cache[key] = compute()
        return found

    def per_text(self, kind: str, text: str, compute: Callable[[], T]) -> T:
        """``compute()``, once per lint for each ``text``: for a fact about a file that depends on its text
        alone (never its path or label), so copies of a file (a skill copied from another) share it."""
        key = (kind, text)
        if key in self.text_cache:
            return cast(T, self.text_cache[key])
        found = self.text_cache[key] = compute()
        return found

    def text(self, path: Path) -> str | None:
        """The text of ``path``, or None when it cannot be read (WXR113 reports why)."""
        found = self.read(path)
        return found if isinstance(found, str) else None

    def js(self, path: Path) -> JsFile | None:
        """The parsed JS file ``path`` (None when unreadable)."""
        if path not in self._js:
            text = self.text(path)
            self._js[path] = None if text is None else parse_js(self.label(path), text, self._syntax)
        return self._js[path]

    def files(self, directory: Path) -> list[Path]:
        """Every file under ``directory`` (sorted; ``node_modules`` and dot-directories skipped)."""
        hit = self._files.get(directory)
        if hit is None:
            hit = []
            for dirpath, dirnames, filenames in os.walk(directory):
                dirnames[:] = sorted(d for d in dirnames if d != "node_modules" and not d.startswith("."))
                hit.extend(Path(dirpath, f) for f in sorted(filenames))
            self._files[directory] = hit
        return hit

    def skill_files(self, target: SkillTarget, *suffixes: str) -> Iterator[Path]:
        """The files of one skill directory with one of ``suffixes`` (all files when none)."""
        if not suffixes:
            yield from self.files(target.dir)
            return
        key = (target.dir, suffixes)
        hit = self._by_suffix.get(key)
        if hit is None:
            hit = self._by_suffix[key] = [f for f in self.files(target.dir) if f.suffix.lower() in suffixes]
        yield from hit

    def runtime(self, target: SkillTarget) -> RuntimeFacts | None:
        """What loading ``index.js`` in the API context registered (None without a loaded project)."""
        if self.project is None or target.skill is None:
            return None
        self.start_runtime()
        pending = self._facts.get(target.name)
        if pending is None:  # a target added after the first request (none is, but never guess)
            pending = self._facts[target.name] = _done(load_facts, self.project, target.skill)
        return pending.result()  # a load that raised raises here, in the rule that asked, as before

    def start_runtime(self) -> None:
        """Start loading every target skill's registration facts in the background (once).

        The loads run V8 on their own threads while the rules that need no runtime parse and walk
        files on this one; a rule that asks :meth:`runtime` waits for its skill's load only.
        """
        if self.project is not None and not self._facts:
            self.read_sources()
            self._facts = _load_all_facts(self.project, self.skills)

    def read_sources(self) -> None:
        """Read and bundle the skills' subpackage sources on this thread (once), before the background loads
        start or workers fork; the rules then read those texts from the bundle's reading instead of the disk.

        The first load would otherwise read them (hundreds of small files for a large subpackage) while
        the file rules run here: each read lets the other thread take the GIL, and the reader then waits
        for it again (30 skills: ~0.3 s before the first load could start, instead of ~0.02 s). What
        fails to read fails again in the load, which reports it as before; a text that may be over the
        linter's size limit is left for :meth:`read` to measure.
        """
        if self._sources_read:
            return
        self._sources_read = True
        seen: set[int] = set()
        for target in self.skills:
            skill = target.skill
            if skill is None or id(skill.source_cache()) in seen:
                continue  # the skills of one subpackage share its sources: read once, taken once
            seen.add(id(skill.source_cache()))
            try:
                skill.source_bundle()
                texts = skill.source_files()
            except WxReplayError:
                continue
            root = skill.root
            for rel, text in texts.items():
                if len(text) * 4 <= MAX_FILE_BYTES:  # at most 4 UTF-8 bytes a character: surely within the limit
                    self._texts.setdefault(root / rel, text)

    def close(self) -> None:
        """Wait for the background loads still running (their sessions are closed by the time this returns),
        then drop what the lint computed.

        The caches hold the lint's parse trees and indexes (hundreds of thousands of objects), and some
        of what they hold refers back to the context (an error kept with its traceback, whose frames
        hold ``self``): left alone, the context would be freed only by the cyclic collector, which would
        then traverse everything the lint made. Emptied here, it is freed as soon as the runner lets go.
        """
        wait(self._facts.values())  # a load that raised keeps its error in its future
        for cache in (
            self._texts,
            self._js,
            self._stats,
            self._resolved,
            self._syntax,
            self._facts,
            self._files,
            self._by_suffix,
            self._labels,
            self._label_of,
            self._relative,
            self.cache,
            self.text_cache,
            self.requires,
        ):
            cache.clear()

    # ---- reporting ----------------------------------------------------------------------------
    def finding(
        self,
        rule_id: str,
        message: str,
        *,
        file: Path | str | None = None,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
        api: str | None = None,
    ) -> LintFinding:
        """A finding of rule ``rule_id`` at ``file``: a path, or a label as findings show it (made by :meth:`label`,
        or by the project loader's ``display_path``), never a path relative to the root: run from elsewhere, an
        editor would open another file, and suppressions and ``per-file-ignores`` would read the wrong one."""
        severity = RULES[rule_id].severity
        label = self.label(file) if isinstance(file, Path) else file
        return LintFinding(
            rule_id,
            message,
            level="error" if severity == "error" else "warning",
            file=label,
            line=line,
            column=column,
            hint=hint,
            api=api,
            severity=severity,
        )


@dataclass(frozen=True)
class _RootLabels:
    """How :func:`display_path` shows the files under one root (posix paths only)."""

    root: str  # absolute, normalised
    cwd: str | None  # the current directory when the root lies inside it (labels relative to it), else None
    name: str  # the root's name, the labels' first part when the root lies outside the current directory

    @classmethod
    def of(cls, root: Path, cwd: Path) -> _RootLabels:
        abs_root = Path(os.path.abspath(root))
        inside = abs_root.is_relative_to(cwd)
        return cls(str(abs_root), str(cwd) if inside else None, abs_root.name or abs_root.as_posix())

    def show(self, path: Path) -> str | None:
        """The label of ``path`` when it lies under the root (None: ask :func:`display_path`)."""
        full = os.path.abspath(path)
        if full == self.root:
            rel = "."
        elif full.startswith(self.root.rstrip("/") + "/"):
            rel = full[len(self.root.rstrip("/")) + 1 :]
        else:
            return None
        if self.cwd is not None:
            if full == self.cwd:
                return "."
            return full[len(self.cwd.rstrip("/")) + 1 :]
        return self.name if rel == "." else f"{self.name}/{rel}"


def _done(fn: Any, *args: Any) -> Future[Any]:
    """A future already settled with ``fn(*args)`` (its result, or the exception it raised)."""
    out: Future[Any] = Future()
    try:
        out.set_result(fn(*args))
    except BaseException as e:  # kept for the rule that asks: it raises there, as a direct call would
        out.set_exception(e)
    return out


def _load_all_facts(project: Project, targets: list[SkillTarget]) -> dict[str, Future[RuntimeFacts]]:
    """Load every target skill's registration facts in the background, FACT_WORKERS sessions at a time.

    Each session is created, used and closed in one worker thread; what each load finds is the same
    as loading them one by one.
    """
    skills = {t.name: t.skill for t in targets if t.skill is not None}
    if not skills:
        return {}
    pool = ThreadPoolExecutor(max_workers=FACT_WORKERS, thread_name_prefix="wxreplay-lint")
    try:
        return {name: pool.submit(load_facts, project, skill) for name, skill in skills.items()}
    finally:
        pool.shutdown(wait=False)  # the workers finish the queued loads, then exit


def _json_or_none(path: Path) -> Any:
    """``path`` parsed as JSON, or None for anything unreadable (the rules report why)."""
    try:
        return loads_bounded(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError):
        return None
