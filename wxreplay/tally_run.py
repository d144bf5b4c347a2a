"""Finding skill packages and running them for the tally: every API once, every bound card once, each an :class:`Item`.

The outcomes, what runs and how, are described in :mod:`wxreplay.tally` (the command and its
report, on top of this module). Each item runs in a fresh :class:`~wxreplay.session.Session` on a
default device with :class:`OfflineTransport` as its network, and everything an item says (its
``detail``) is masked with the run's secrets before it is kept.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from wxreplay.cassette.runsecrets import run_secrets
from wxreplay.errors import ArgumentsError, UsageError, WxReplayError
from wxreplay.host.device import Device
from wxreplay.network import NetworkBlockedError
from wxreplay.project import ApiDecl, Project, Skill
from wxreplay.result import CallResult, check_result, validate_arguments
from wxreplay.session import Session, SessionLimits
from wxreplay.tally_args import sample_arguments
from wxreplay.tally_report import Item, PackageTally, SkillTally

__all__ = ["EMPTY_RESULT", "OfflineTransport", "discover_packages", "tally_package", "tally_paths"]

#: Files that make a directory a package: a project, or a skill directory.
PROJECT_MARKERS = ("app.json", "project.config.json")
SKILL_MARKERS = ("mcp.json", "SKILL.md")

#: Folders never searched for packages or unlisted skills.
_SKIPPED_DIRS = frozenset({"node_modules", "miniprogram_npm", "__pycache__", "__snapshots__", "cassettes"})
_SEARCH_DEPTH = 4

#: The empty result a bound card is rendered from.
EMPTY_RESULT: dict[str, Any] = {"content": [], "structuredContent": {}}

#: What the harness says when a host API the default device scripts nothing for was reached.
_NOTHING_SCRIPTED = "has nothing scripted"

#: What the runtime says when its bridge broke with no replaced built-in to blame: wxreplay's own failure.
_INTERNAL = "internal JavaScript error"


# ---- finding packages ---------------------------------------------------------------------------


def _present(directory: Path, names: Iterable[str]) -> bool:
    """Whether any of ``names`` is in ``directory``, a dangling symlink included (a broken package is one too)."""
    return any(os.path.lexists(directory / n) for n in names)


def _is_package(directory: Path) -> bool:
    return _present(directory, PROJECT_MARKERS) or _present(directory, SKILL_MARKERS)


def _searchable(directory: Path) -> bool:
    return directory.name not in _SKIPPED_DIRS and not directory.name.startswith(".") and not directory.is_symlink()


def discover_packages(paths: Iterable[str | Path]) -> list[Path]:
    """The packages under ``paths``: a path that is a package itself, else the packages found below it.

    A package is a directory with ``app.json`` or ``project.config.json`` (a project) or with
    ``mcp.json`` or ``SKILL.md`` (a skill directory), found up to four levels down; the search does
    not go into a package, ``node_modules``, dot folders or symlinked folders. Sorted, each once.
    """
    found: list[Path] = []

    def walk(directory: Path, depth: int) -> None:
        if _is_package(directory):
            found.append(directory)
            return
        if depth >= _SEARCH_DEPTH:
            return
        try:
            children = sorted(directory.iterdir(), key=lambda p: p.name)
        except OSError as e:
            raise UsageError(f"cannot read the folder {directory}: {e.strerror or e}", hint="check its permissions") from None
        for child in children:
            if child.is_dir() and _searchable(child):
                walk(child, depth + 1)

    for path in paths:
        p = Path(path)
        if not p.is_dir():
            raise UsageError(f"no such directory: {path}", hint="pass folders holding skill packages, e.g. tests/skills")
        walk(p, 0)
    unique: dict[Path, Path] = {}
    for p in found:
        unique.setdefault(p.resolve(), p)
    return sorted(unique.values(), key=lambda p: p.as_posix())


def _unlisted_skill_dirs(project: Project) -> list[Path]:
    """Skill directories (with ``mcp.json``) under a project's root that its ``app.json`` does not list."""
    if project.app_json is None:
        return []
    listed = {s.dir.resolve() for s in project.skills}
    out: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(project.root):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if _searchable(here / d))
        if len(here.relative_to(project.root).parts) > _SEARCH_DEPTH:
            dirnames[:] = []
            continue
        if "mcp.json" in filenames and here != project.root:
            dirnames[:] = []  # skills do not nest
            if here.resolve() not in listed:
                out.append(here)
    return sorted(out, key=lambda p: p.as_posix())


# ---- running one item ---------------------------------------------------------------------------


class OfflineTransport(httpx.BaseTransport):
    """``wx.request`` with no cassette and no network: every request is refused before it is sent, and kept."""

    def __init__(self) -> None:
        self.refused: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        line = f"{request.method} {request.url}"
        self.refused.append(line)
        raise NetworkBlockedError(
            f"{line} was not sent: the tally runs with no cassette and no network",
            hint="record it: wxreplay call PROJECT API --args '...' --cassette FILE --record once",
        )


def _first_line(text: str, limit: int = 300) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _where(error: WxReplayError) -> str:
    """`` (file:line)`` of a located error, when it has one."""
    file, line = getattr(error, "file", None), getattr(error, "line", None)
    if not file:
        return ""
    return f" ({file}:{line})" if line else f" ({file})"


def _describe(error: WxReplayError) -> str:
    """One line about a user-level error: its type, its first line, where."""
    reason = getattr(error, "reason", None) or error.message
    return f"{type(error).__name__}: {_first_line(str(reason))}{_where(error)}"


def _learn_secrets(session: Session | None, extra: Any = None) -> None:
    """Teach the run's secret table what the session saw (host calls, storage, a result), so masking covers it."""
    data: dict[str, Any] = {"extra": extra}
    if session is not None:
        data["events"] = [e.to_dict() for e in session.events]
        data["storage"] = session.device.get_storage()
        data["logs"] = [line.text for line in session.logs]
    run_secrets().mask_data(data)


def _needs_device(session: Session | None) -> str | None:
    """The host finding that says the default device scripts nothing for what the skill reached, if any."""
    if session is None:
        return None
    for f in session.findings:
        if f.code == "host" and _NOTHING_SCRIPTED in f.message:
            return _first_line(f.message)
    return None


@dataclass
class _Run:
    """What one item's session saw: the session (while open), the refusals, the outcome."""

    transport: OfflineTransport
    session: Session | None = None


def _harness(kind: str, skill: str, name: str) -> Item:
    """The item for a Python exception that escaped wxreplay: the traceback, masked."""
    return Item(kind, skill, name, "harness", detail=run_secrets().mask_text(traceback.format_exc().rstrip()))


def _classify(kind: str, skill: str, name: str, run: _Run, error: WxReplayError) -> Item:
    mask = run_secrets().mask_text
    if _INTERNAL in str(error):
        # The bridge broke and no replaced built-in explains it: wxreplay's own JavaScript failed.
        return Item(kind, skill, name, "harness", detail=mask(_describe(error)))
    if isinstance(error, NetworkBlockedError) and run.transport.refused:
        return Item(kind, skill, name, "needs-recording", detail=mask(f"wx.request {run.transport.refused[0]}"))
    scripted = _needs_device(run.session)
    if scripted is not None:
        return Item(kind, skill, name, "needs-device", detail=mask(scripted))
    return Item(kind, skill, name, "failed", detail=mask(_describe(error)))


def _arguments(decl: ApiDecl, mcp_file: str) -> tuple[dict[str, Any] | None, str]:
    """Arguments for ``decl`` that validate, or ``(None, why)``."""
    args = sample_arguments(decl.input_schema)
    try:
        validate_arguments(decl, args, file=mcp_file)
    except ArgumentsError as e:
        return None, f"no valid arguments could be made from the inputSchema: {_first_line(e.message.split(':', 1)[-1])}"
    return args, ""


def _session(project: Project, skill: Skill, run: _Run, limits: SessionLimits) -> Session:
    session = Session(project, skill.name, device=Device(), transport=run.transport, limits=limits)
    run.session = session
    return session


def _call_api(project: Project, skill: Skill, decl: ApiDecl, limits: SessionLimits) -> Item:
    """Call ``decl`` once in a fresh session with no network and classify how it ended."""
    name, mask = decl.name, run_secrets().mask_text
    try:
        args, why = _arguments(decl, _mcp_label(project, skill))
    except WxReplayError as e:  # a broken inputSchema is the skill's mistake
        return Item("api", skill.name, name, "failed", detail=mask(_describe(e)))
    except Exception:
        return _harness("api", skill.name, name)
    if args is None:
        return Item("api", skill.name, name, "skipped", detail=mask(why))
    run = _Run(OfflineTransport())
    try:
        try:
            with _session(project, skill, run, limits) as session:
                result = session.call(name, args)
                _learn_secrets(session, result.raw)
                if result.is_error:
                    scripted = _needs_device(session)
                    if scripted is not None:
                        return Item("api", skill.name, name, "needs-device", detail=mask(scripted))
                    return Item("api", skill.name, name, "ran", is_error=True, detail=mask(_first_line(result.text)))
                return Item("api", skill.name, name, "ran")
        except WxReplayError as e:
            _learn_secrets(run.session)
            return _classify("api", skill.name, name, run, e)
    except Exception:
        return _harness("api", skill.name, name)


def _render_card(project: Project, skill: Skill, decl: ApiDecl, limits: SessionLimits) -> Item:
    """Render ``decl``'s bound card from an empty result in a fresh session and classify how it ended."""
    label = f"{decl.name} -> {decl.component_path}"
    mask = run_secrets().mask_text
    run = _Run(OfflineTransport())
    try:
        try:
            args, _ = _arguments(decl, _mcp_label(project, skill))
            with _session(project, skill, run, limits) as session:
                raw, found = check_result(decl, dict(EMPTY_RESULT), mcp_file=None)
                result = CallResult.from_raw(
                    decl, decl.name, args or {}, raw, session_id=session.session_id, virtual_ms=0, findings=found
                )
                card = session.render(result)
                _learn_secrets(session)
                errors = [f for f in card.findings if f.level == "error"]
                detail = mask(f"{len(errors)} error finding(s): {_first_line(str(errors[0]))}") if errors else ""
                return Item("card", skill.name, label, "ran", detail=detail)
        except WxReplayError as e:
            _learn_secrets(run.session)
            return _classify("card", skill.name, label, run, e)
    except Exception:
        return _harness("card", skill.name, label)


def _mcp_label(project: Project, skill: Skill) -> str:
    try:
        return skill.mcp_path.relative_to(project.root).as_posix()
    except ValueError:
        return skill.mcp_path.as_posix()


# ---- a package ----------------------------------------------------------------------------------


def _display(path: Path, base: Path | None = None) -> str:
    """``path`` relative to ``base`` (default: the working directory) when below it, so reports do not depend on
    where the checkout is; else as given."""
    try:
        return path.resolve().relative_to((base or Path.cwd()).resolve()).as_posix() or "."
    except ValueError:
        return path.as_posix()


def _tally_skill(project: Project, skill: Skill, *, listed: bool, limits: SessionLimits, cards: bool) -> SkillTally:
    """Load ``skill`` once (its index.js), then run each API and each bound card in a fresh session."""
    tally = SkillTally(skill.name, listed)
    mask = run_secrets().mask_text
    run = _Run(OfflineTransport())
    try:
        with _session(project, skill, run, limits) as session:
            declared = set(skill.api_names())
            tally.undeclared = [name for name in session.registered if name not in declared]
    except WxReplayError as e:
        tally.load_error = mask(f"load failed: {_describe(e)}")
    except Exception:
        tally.load_error = "load failed: harness error"
        tally.items.append(_harness("api", skill.name, "(loading index.js)"))
        return tally
    for decl in skill.apis:
        if tally.load_error is not None:
            tally.items.append(Item("api", skill.name, decl.name, "failed", detail="the skill did not load"))
        else:
            tally.items.append(_call_api(project, skill, decl, limits))
    if cards:
        for decl in skill.apis:
            if decl.component_path is None:
                continue
            if tally.load_error is not None:
                label = f"{decl.name} -> {decl.component_path}"
                tally.items.append(Item("card", skill.name, label, "failed", detail="the skill did not load"))
            else:
                tally.items.append(_render_card(project, skill, decl, limits))
    return tally


def tally_package(
    path: str | Path, *, limits: SessionLimits | None = None, cards: bool = True, base: Path | None = None
) -> PackageTally:
    """Load the package at ``path`` and tally every skill in it (``cards=False``: the APIs only); its path is shown
    relative to ``base`` (default: the working directory) when below it."""
    limits = limits or SessionLimits()
    package = PackageTally(_display(Path(path), base), cards_run=cards)
    mask = run_secrets().mask_text
    try:
        project = Project.load(path)
    except WxReplayError as e:
        package.load_error = mask(f"load failed: {_describe(e)}")
        return package
    except Exception:
        package.harness_error = mask(traceback.format_exc().rstrip())
        return package
    for skill in project.skills:
        package.skills.append(_tally_skill(project, skill, listed=project.app_json is not None, limits=limits, cards=cards))
    for skill_dir in _unlisted_skill_dirs(project):
        try:
            alone = Project.load(skill_dir)
            skill = alone.skill()
        except WxReplayError as e:
            package.skills.append(SkillTally(skill_dir.name, False, load_error=mask(f"load failed: {_describe(e)}")))
            continue
        except Exception:
            broken = SkillTally(skill_dir.name, False, load_error="load failed: harness error")
            broken.items.append(_harness("api", skill_dir.name, "(loading the skill directory)"))
            package.skills.append(broken)
            continue
        package.skills.append(_tally_skill(alone, skill, listed=False, limits=limits, cards=cards))
    return package


def tally_paths(
    paths: Iterable[str | Path], *, limits: SessionLimits | None = None, cards: bool = True, base: Path | None = None
) -> Iterator[PackageTally]:
    """Tally every package under ``paths`` (see :func:`discover_packages`), one at a time."""
    for package in discover_packages(paths):
        yield tally_package(package, limits=limits, cards=cards, base=base)
