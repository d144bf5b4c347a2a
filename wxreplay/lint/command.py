"""``wxreplay lint``: arguments, output and exit code (0 clean, 1 findings at or above the threshold, 2 usage or crash)."""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from wxreplay.errors import ProjectError, UsageError
from wxreplay.lint.catalog import all_rules, get_rule
from wxreplay.lint.registry import Rule
from wxreplay.lint.report_json import format_json
from wxreplay.lint.report_sarif import format_sarif
from wxreplay.lint.report_text import format_text
from wxreplay.lint.runner import fails, lint_paths
from wxreplay.lint.settings import LintSettings, normalise_ids, read_settings
from wxreplay.term import Style, add_color_option

__all__ = ["add_lint_arguments", "explain_text", "list_rules_text", "run_lint"]

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def add_lint_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``wxreplay lint``."""
    parser.add_argument("paths", nargs="*", metavar="PROJECT|SKILL", help="project roots or skill folders (default: .)")
    parser.add_argument("--format", choices=("text", "json", "sarif"), default="text", help="output format (default: text)")
    parser.add_argument("--select", action="append", metavar="IDS", help="only these rules (comma-separated ids or prefixes)")
    parser.add_argument("--ignore", action="append", metavar="IDS", help="skip these rules (comma-separated ids or prefixes)")
    parser.add_argument("--strict", action="store_true", help="warnings fail the run too (exit 1)")
    parser.add_argument(
        "--jobs",
        "-j",
        type=_jobs,
        default=0,
        metavar="N",
        help="processes for the file rules of a many-skill project: 0 = one per CPU (default), 1 = this process only",
    )
    parser.add_argument("--list-rules", action="store_true", help="list every rule and exit")
    parser.add_argument("--explain", metavar="ID", help="explain one rule and exit")
    add_color_option(parser)


def _jobs(text: str) -> int:
    """``--jobs``'s value: a whole number from 0."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number from 0 (0 = one per CPU), got {text!r}")
    return value


def list_rules_text() -> str:
    """One line per rule: ``WXR101 (V0xx)  error    title``."""
    rules = all_rules()
    width = max(len(r.label) for r in rules)
    return "".join(f"{r.label:<{width}}  {r.severity:<7}  {r.title}\n" for r in rules)


def explain_text(rule: Rule) -> str:
    """The explanation of one rule, as ``--explain`` prints it."""
    lines = [f"{rule.label}: {rule.title}", f"severity: {rule.severity}"]
    if rule.spec:
        lines.append(f"platform-spec: {rule.spec}")
    lines += ["", rule.explanation, "", f"silence one finding: // wxreplay-lint: disable={rule.id}  (or disable-next-line=)"]
    return "\n".join(lines) + "\n"


def run_lint(ns: argparse.Namespace, *, version: str, out: TextIO | None = None) -> int:
    """Run ``wxreplay lint`` for parsed arguments ``ns``; print the report; return the exit code."""
    out = out or sys.stdout
    if ns.list_rules:
        out.write(list_rules_text())
        return EXIT_CLEAN
    if ns.explain:
        found = get_rule(ns.explain)
        if found is None:
            raise UsageError(f"no lint rule {ns.explain!r}", hint="see `wxreplay lint --list-rules`")
        out.write(explain_text(found))
        return EXIT_CLEAN
    paths = ns.paths or ["."]
    known = all_rules()
    settings = read_settings(paths, known)
    settings = LintSettings(
        select=normalise_ids(ns.select, known, "--select") if ns.select else settings.select,
        ignore=normalise_ids(ns.ignore, known, "--ignore") if ns.ignore else settings.ignore,
        strict=ns.strict or settings.strict,
        per_file_ignores=settings.per_file_ignores,
        source=settings.source,
    )
    try:
        run = lint_paths(paths, settings, jobs=ns.jobs)
    except ProjectError as e:  # a path that does not exist: a usage error
        raise UsageError(e.message, hint=e.hint) from None
    if ns.format == "json":
        out.write(format_json(run.report))
    elif ns.format == "sarif":
        out.write(format_sarif(run.report, version=version))
    else:
        out.write(format_text(run.report, style=Style.for_stream(out, ns.color)))
    if run.crashes:
        for crash in run.crashes:
            print(f"wxreplay lint: internal error in rule {crash.rule} on {crash.target}:\n{crash.error}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_FINDINGS if fails(run.report, strict=settings.strict) else EXIT_CLEAN
