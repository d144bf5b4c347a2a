"""Files that cannot be read or parsed, the loader's refusal, and secrets committed in the package's files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from wxreplay.cassette.rules import RedactionRules
from wxreplay.cassette.scan import LineMemo, scan_cassette_text
from wxreplay.errors import ProjectError
from wxreplay.jsonfile import read_json
from wxreplay.lint.context import LintContext
from wxreplay.lint.jsfacts import subpackage_root
from wxreplay.lint.jsparse import key_shaped_lines
from wxreplay.lint.model import LintFinding
from wxreplay.lint.registry import rule

#: The files of a skill package that are text: each must read as UTF-8 (and JSON ones must parse).
TEXT_SUFFIXES = (".js", ".json", ".wxml", ".wxss", ".wxs", ".md")
#: The files a key can be committed in: code and configuration, not prose.
CONFIG_SUFFIXES = (".js", ".json", ".wxs")


def package_files(ctx: LintContext, suffixes: tuple[str, ...]) -> Iterator[Path]:
    """Each file of the linted skills and their ``_shared/`` folder with one of ``suffixes``, once."""
    seen: set[Path] = set()
    for target in ctx.skills:
        dirs = [target.dir]
        top = subpackage_root(ctx, target)
        if top != ctx.root and ctx.is_dir(top / "_shared"):
            dirs.append(top / "_shared")
        for d in dirs:
            for f in ctx.files(d):
                if f.suffix.lower() in suffixes and f not in seen:
                    seen.add(f)
                    yield f


def _from_error(ctx: LintContext, rule_id: str, e: ProjectError) -> LintFinding:
    return ctx.finding(rule_id, e.reason, file=e.file, line=e.line, column=e.column, hint=e.hint)


@rule(
    "WXR113",
    "error",
    "every file of the package reads as UTF-8 text and every JSON file parses",
    "A binary, non-UTF-8, oversized or unparsable file in a skill package stops the package from building or loading; "
    "the project loader's own refusal is reported here too, with its line and fix.",
    spec="1",
)
def unreadable(ctx: LintContext) -> Iterator[LintFinding]:
    error = ctx.load_error
    if error is not None and not (error.file or "").endswith("mcp.json"):
        yield _from_error(ctx, "WXR113", error)
    for path in package_files(ctx, TEXT_SUFFIXES):
        found = ctx.read(path)
        if not isinstance(found, str):
            yield ctx.finding(
                "WXR113",
                found.reason if hasattr(found, "reason") else str(found),
                file=path,
                line=found.line,
                column=found.column,
                hint=found.hint,
            )
            continue
        # Whether JSON parses depends on the text alone: a text that parsed once parses again.
        if path.suffix == ".json" and path.name != "mcp.json" and not ctx.text_cache.get(("json-parses", found)):
            try:
                read_json(path, root=ctx.root)
            except ProjectError as e:
                yield _from_error(ctx, "WXR113", e)
            else:
                ctx.text_cache[("json-parses", found)] = True


@rule(
    "WXR116",
    "error",
    "mcp.json is valid JSON that the loader accepts",
    "A broken mcp.json (syntax, a missing name or inputSchema, a wrong type) stops the whole skill from loading; "
    "reported with the loader's line, column and fix.",
    spec="2, 9.1.6",
)
def mcp_loads(ctx: LintContext) -> Iterator[LintFinding]:
    error = ctx.load_error
    reported = set()
    if error is not None and (error.file or "").endswith("mcp.json"):
        reported.add(error.file)
        yield _from_error(ctx, "WXR116", error)
    for target in ctx.skills:
        path = target.dir / "mcp.json"
        text = ctx.read(path) if ctx.is_file(path) else None
        if ctx.label(path) in reported or not isinstance(text, str) or ctx.text_cache.get(("json-parses", text)):
            continue
        try:
            read_json(path, root=ctx.root)
        except ProjectError as e:
            yield _from_error(ctx, "WXR116", e)
        else:
            ctx.text_cache[("json-parses", text)] = True


@rule(
    "WXR114",
    "error",
    "no real-looking API key or secret committed in the package",
    "A key in a config file of the skill (utils/config.js, a JSON file) ships inside the mini program, where anyone can "
    "read it, and is often sent as a query parameter. Detected with the cassette redactor's secret shapes; the "
    "finding shows the key masked.",
    spec="A3",
)
def committed_secret(ctx: LintContext) -> Iterator[LintFinding]:
    rules = RedactionRules()
    memo: LineMemo = {}  # one rules object for every file: a line repeated across files is judged once
    for path in package_files(ctx, CONFIG_SUFFIXES):
        text = ctx.text(path)
        if text is None:
            continue
        js = ctx.js(path) if path.suffix == ".js" else None
        if js is not None:
            # Only the lines with a key-shaped string literal are scanned (the parse tree finds them; code
            # and prose literals are not keys), blank lines keep the line numbers.
            keep = key_shaped_lines(js)
            if not keep:
                continue
            text = "\n".join(line if n in keep else "" for n, line in enumerate(text.split("\n"), start=1))
        # The hits depend on the text alone (the file name is only stamped on them): once per text.
        scanned = text
        hits = ctx.per_text("secret-scan", scanned, lambda: scan_cassette_text(scanned, "", rules=rules, memo=memo))  # noqa: B023
        for hit in hits:
            field = f" under {hit.field!r}" if hit.field else ""
            yield ctx.finding(
                "WXR114",
                f"{hit.kind}{field} looks like a real secret committed in the package: {hit.excerpt}",
                file=path,
                line=hit.line,
                column=hit.column,
                hint="keep keys on your server (call it with wx.request or a cloud function); rotate this one",
            )
