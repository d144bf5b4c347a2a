"""``wxreplay new`` and ``wxreplay init``: start a scenario, or set wxreplay up in a skill repository.

``new`` writes ``<DIR>/<NAME>.scenario.yaml`` (a commented skeleton, or with ``--smoke`` every API
in dependency order: :mod:`wxreplay.scaffold`) and the JSON Schema its modeline points at
(``<DIR>/scenario.schema.json``, written when missing: editors validate the file offline, with no
URL to keep alive). It never replaces a file unless ``--force``. ``--record MODE`` then runs the
new file as ``wxreplay run FILE --record MODE --snapshot-update`` does (the same code), so the
cassette and the snapshot are written when the run passes.

``init`` adds the pytest ini keys (:mod:`wxreplay.scaffold_init`), ``scenarios/`` with a smoke
scenario and the schema, ``cassettes/``, and prints a CI workflow (``--github-workflow`` writes
``.github/workflows/wxreplay.yml``). Run twice, the second run changes nothing and says so.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from pathlib import Path

from wxreplay.config import discover
from wxreplay.errors import UsageError

__all__ = ["add_init_arguments", "add_new_arguments", "run_init", "run_new"]

EXIT_OK = 0


def add_new_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``wxreplay new``."""
    p.add_argument("name", metavar="NAME", help="scenario name: the file is DIR/NAME.scenario.yaml")
    p.add_argument(
        "project",
        nargs="?",
        metavar="PROJECT",
        help="project root (with app.json) or skill directory (default: wxreplay_project of the pytest configuration, else .)",
    )
    p.add_argument("--skill", help="skill when the project has several (default: wxreplay_skill)")
    p.add_argument("--api", help="the API the skeleton calls (default: the first with a card and no required argument)")
    p.add_argument("--smoke", action="store_true", help="call every API in dependency order and render every bound card")
    p.add_argument("-o", "--output", metavar="DIR", default="scenarios", help="folder of the new file (default: scenarios)")
    p.add_argument("--force", action="store_true", help="replace the file if it exists")
    from wxreplay.cli_run import add_record_option

    add_record_option(
        p, "then run it as wxreplay run --record MODE --snapshot-update does (start the service first): once, all ..."
    )


def add_init_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``wxreplay init``."""
    p.add_argument("path", nargs="?", default=".", metavar="PATH", help="the repository folder (default: .)")
    p.add_argument("--project", metavar="P", help="the project or skill folder (default: PATH, or the one package found in it)")
    p.add_argument("--skill", help="skill when the project has several")
    p.add_argument("--github-workflow", action="store_true", help="also write .github/workflows/wxreplay.yml")


@dataclass(frozen=True)
class _Written:
    file: Path
    notes: list[str]


def _rel(path: Path, start: Path) -> str:
    return Path(os.path.relpath(path.resolve(), start.resolve())).as_posix()


def _write_scenario(
    name: str, project_path: Path, skill_name: str | None, api_name: str | None, smoke: bool, out: Path, force: bool
) -> _Written:
    """Generate and write one scenario file (see the module docstring); UsageError for a bad name or an existing file."""
    from wxreplay.project import Project
    from wxreplay.scaffold import (
        SCHEMA_FILE,
        check_name,
        ensure_schema_file,
        pick_api,
        plan_smoke,
        skeleton_text,
        smoke_notes,
        smoke_text,
    )
    from wxreplay.scenario.parse import DEFAULT_SUFFIX

    config = discover([out if out.exists() else Path.cwd()])
    suffix = str(config.value("suffix") or DEFAULT_SUFFIX)
    try:
        stem = check_name(name, suffix)
    except ValueError as e:
        raise UsageError(str(e), hint="e.g. wxreplay new latte-order") from None
    file = out / f"{stem}{suffix}"
    if file.exists() and not force:
        raise UsageError(
            f"{file.as_posix()} already exists: nothing was written", hint="choose another NAME, or add --force to replace it"
        )
    project = Project.load(project_path)
    skill = project.skill(skill_name)
    out.mkdir(parents=True, exist_ok=True)
    notes = ensure_schema_file(out)
    common = {
        "project_ref": _rel(project_path, out),
        "skill_line": len(project.skills) > 1 or skill_name is not None,
        "schema_ref": f"./{SCHEMA_FILE}",
    }
    if smoke:
        if api_name is not None:
            raise UsageError("--api picks the API of a skeleton; --smoke calls every API", hint="drop one of them")
        plan = plan_smoke(skill)
        text = smoke_text(stem, skill, plan=plan, **common)  # type: ignore[arg-type]
        notes += list(smoke_notes(plan))
        what = f"smoke scenario of skill {skill.name}: {len(plan.steps)} of {len(skill.apis)} APIs called"
    else:
        try:
            api = skill.api(api_name) if api_name else pick_api(skill)
        except ValueError as e:
            raise UsageError(str(e), hint="declare an API in mcp.json apis[]") from None
        text = skeleton_text(stem, skill, api=api, **common)  # type: ignore[arg-type]
        what = f"scenario skeleton for skill {skill.name}, calling {api.name}"
    file.write_text(text, encoding="utf-8")
    return _Written(file, [f"wrote {file.as_posix()} ({what})", *notes])


def _default_project(ns_project: str | None, out: Path) -> Path:
    if ns_project:
        return Path(ns_project)
    configured = discover([out if out.exists() else Path.cwd()]).path("project")
    if configured is not None:
        return configured
    here = Path(".")
    if not any((here / marker).exists() for marker in ("app.json", "project.config.json", "mcp.json", "SKILL.md")):
        raise UsageError(
            "no project: this folder is not a Mini Program project or skill, and no wxreplay_project is configured",
            hint="name it: wxreplay new NAME path/to/project (or set it up once with wxreplay init)",
        )
    return here


def _record(file: Path, mode: str) -> int:
    """Run ``file`` as ``wxreplay run FILE --record MODE --snapshot-update`` (the same command code)."""
    from wxreplay.cli_run import add_run_arguments, run_command

    parser = argparse.ArgumentParser(prog="wxreplay run")
    add_run_arguments(parser)
    print(f"wxreplay: running wxreplay run {file.as_posix()} --record {mode} --snapshot-update", flush=True)
    return run_command(parser.parse_args([str(file), "--record", mode, "--snapshot-update"]))


def run_new(ns: argparse.Namespace) -> int:
    """Write a commented scenario skeleton for a skill (or, with --smoke, a smoke scenario of every API)."""
    out = Path(ns.output)
    written = _write_scenario(ns.name, _default_project(ns.project, out), ns.skill, ns.api, ns.smoke, out, ns.force)
    for note in written.notes:
        print(f"wxreplay: {note}")
    if ns.record:
        return _record(written.file, ns.record)
    print(
        f"next: edit it, start the skill's service, then: wxreplay run {written.file.as_posix()} --record once --snapshot-update"
    )
    return EXIT_OK


def _find_project(root: Path, given: str | None) -> Path:
    """The project of a repository: ``--project``, else ``root`` itself when it is a package, else the one package in it."""
    from wxreplay.tally_run import discover_packages

    if given:
        path = Path(given)
        if not path.is_dir():
            raise UsageError(f"--project: no such folder {given}")
        return path
    found = discover_packages([root])
    if len(found) == 1:
        return found[0]
    if not found:
        raise UsageError(
            f"no skill package under {root.as_posix()} (a folder with app.json, project.config.json, mcp.json or SKILL.md)",
            hint="give the project folder with --project",
        )
    listed = ", ".join(_rel(p, root) for p in found[:8])
    raise UsageError(f"{len(found)} packages under {root.as_posix()}: {listed}", hint="say which one with --project")


def run_init(ns: argparse.Namespace) -> int:
    """Add wxreplay to a skill repository: pytest ini keys, scenarios/ with a smoke scenario, cassettes/, a CI workflow."""
    from wxreplay.project import Project
    from wxreplay.scaffold import ensure_schema_file
    from wxreplay.scaffold_init import CI_WORKFLOW, add_ini_keys

    root = Path(ns.path)
    if not root.is_dir():
        raise UsageError(f"no such folder: {ns.path}", hint="run wxreplay init in the skill repository, or give its path")
    project_path = _find_project(root, ns.project)
    project = Project.load(project_path)
    skill = project.skill(ns.skill)  # an unknown name: did-you-mean
    changes: list[str] = []
    keys = {"wxreplay_project": _rel(project_path, root) or ".", "wxreplay_cassette_dir": "cassettes"}
    if len(project.skills) > 1 or ns.skill:
        keys["wxreplay_skill"] = skill.name
    edit = add_ini_keys(root, keys)
    if edit.added:
        verb = "created" if edit.created else "added to"
        changes.append(f"{verb} {edit.file.name}: " + ", ".join(f"{k} = {v}" for k, v in edit.added.items()))
    for key, value in edit.kept.items():
        print(f"wxreplay: kept {key} = {value} in {edit.file.name} (init would write {keys[key]})")
    scenarios, cassettes = root / "scenarios", root / "cassettes"
    smoke = scenarios / "smoke.scenario.yaml"
    if not smoke.exists():
        written = _write_scenario("smoke", project_path, ns.skill, None, True, scenarios, force=False)
        changes += written.notes
    elif scenarios.is_dir():
        changes += ensure_schema_file(scenarios)
    if not cassettes.is_dir():
        cassettes.mkdir(parents=True)
        changes.append(f"created {_rel(cassettes, Path.cwd())}/ (recordings go here)")
    workflow = root / ".github" / "workflows" / "wxreplay.yml"
    if ns.github_workflow and not workflow.exists():
        workflow.parent.mkdir(parents=True, exist_ok=True)
        workflow.write_text(CI_WORKFLOW, encoding="utf-8")
        changes.append(f"wrote {_rel(workflow, Path.cwd())}")
    for change in changes:
        print(f"wxreplay: {change}")
    if not changes:
        print(f"wxreplay: nothing to do: wxreplay is already set up in {root.as_posix()} (nothing was changed)")
    if not workflow.exists():
        print("CI: add this workflow as .github/workflows/wxreplay.yml (or run wxreplay init --github-workflow):")
        print(CI_WORKFLOW, end="")
    if changes:
        print(
            "next: start the skill's service, then: wxreplay run --record once --snapshot-update; "
            "then commit scenarios/ and cassettes/ and run pytest"
        )
    return EXIT_OK
