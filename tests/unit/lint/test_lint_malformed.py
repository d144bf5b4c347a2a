"""Malformed input gives findings, never a crash: broken JSON, binary, empty and huge files, arbitrary contents."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lint_support import CARD, SKILL, Proj

from wxreplay.lint import lint_paths
from wxreplay.lint.context import MAX_FILE_BYTES

FILES = [
    "app.json",
    f"{SKILL}/mcp.json",
    f"{SKILL}/index.js",
    f"{SKILL}/apis/getItem.js",
    f"{SKILL}/SKILL.md",
    "page-meta.json",
    f"{CARD}.js",
    f"{CARD}.json",
    f"{CARD}.wxml",
    f"{CARD}.wxss",
]


def rules_for(root: Path) -> set[str]:
    run = lint_paths([root])
    assert not run.crashes, "\n".join(c.error for c in run.crashes)
    return {f.rule for f in run.report.findings}


CONTENTS = {
    "empty": b"",
    "binary": b"\x00\x01\x02\xff binary",
    "broken": b"{",
    "latin1": "caf\xe9".encode("latin-1"),
    "bom-only": b"\xef\xbb\xbf",
    "deep": b"[[[[" * 200 + b"]" * 800,
    "very-deep": b"[" * 100_000 + b"]" * 100_000,  # past Python's recursion limit for a recursive parser or walk
    "very-deep-braces": b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
}


def _applies(name: str, kind: str) -> bool:
    """Every malformed content of every file, except two that are valid there: an empty card stylesheet
    (nothing to style) and brackets in Markdown (plain text)."""
    if name.endswith(".wxss") and kind in ("empty", "bom-only"):
        return False
    return not (name.endswith(".md") and kind in ("broken", "deep", "very-deep", "very-deep-braces"))


MALFORMED = [(name, kind) for name in FILES for kind in CONTENTS if _applies(name, kind)]


@pytest.mark.parametrize(("name", "kind"), MALFORMED, ids=[f"{k}-{n}" for n, k in MALFORMED])
def test_each_file_malformed_gives_findings(tmp_path: Path, name: str, kind: str) -> None:
    root = Proj().write(tmp_path)
    (root / name).write_bytes(CONTENTS[kind])
    assert rules_for(root), f"{name} = {kind} produced no finding"


@pytest.mark.parametrize("name", [f"{SKILL}/apis/getItem.js", f"{CARD}.wxml", f"{SKILL}/mcp.json"])
def test_a_huge_file_is_reported_not_parsed(tmp_path: Path, name: str) -> None:
    root = Proj().write(tmp_path)
    (root / name).write_text("// " + "x" * (MAX_FILE_BYTES + 10), encoding="utf-8")
    run = lint_paths([root])
    assert not run.crashes
    hits = [f for f in run.report.findings if f.file and f.file.endswith(Path(name).name) and "bytes" in f.message]
    assert hits and hits[0].rule in ("WXR113", "WXR116")


def test_missing_files_are_findings(tmp_path: Path) -> None:
    root = Proj().write(tmp_path)
    for rel in (f"{SKILL}/index.js", f"{SKILL}/mcp.json", f"{CARD}.wxml"):
        (root / rel).unlink()
    assert rules_for(root) >= {"WXR106", "WXR117"}


def test_a_directory_where_a_file_should_be(tmp_path: Path) -> None:
    root = Proj().write(tmp_path)
    shutil.rmtree(root / SKILL / "apis")
    (root / SKILL / "apis" / "getItem.js").mkdir(parents=True)
    assert rules_for(root)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    name=st.sampled_from(FILES),
    content=st.binary(max_size=300) | st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")),
)
def test_arbitrary_contents_never_crash(tmp_path_factory: pytest.TempPathFactory, name: str, content: bytes) -> None:
    root = Proj().write(tmp_path_factory.mktemp("fuzz"))
    (root / name).write_bytes(content)
    run = lint_paths([root])
    assert not run.crashes, "\n".join(c.error for c in run.crashes)


@pytest.mark.parametrize("name", [f"{SKILL}/utils/pipe.js", f"{CARD}.wxml", f"{SKILL}/mcp.json"])
def test_a_named_pipe_is_a_finding_not_a_hang(tmp_path: Path, name: str) -> None:
    """Opening a named pipe to read it waits for a writer that never comes: the command must report it and end."""
    root = Proj().write(tmp_path / "proj")
    (root / name).unlink(missing_ok=True)
    (root / name).parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(root / name)
    command = [sys.executable, "-m", "wxreplay", "lint", "--format", "json", "proj"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, timeout=120)  # a hang fails here
    assert done.returncode == 1, done.stderr
    found = [f for f in json.loads(done.stdout)["findings"] if f.get("file") == f"proj/{name}"]
    assert any("not a regular file" in f["message"] for f in found), found


def test_thousands_of_findings_in_one_file_are_taken_in_linear_time(tmp_path: Path) -> None:
    """A generated stylesheet can have a finding per line: each finding's suppression comments and
    relative path are worked out once per file, not per finding (a stall guard, not a speed target:
    reading the file again per finding took ~21 s here, this code ~0.6 s)."""
    sheet = ".a { float: left; }\n" * 20_000
    sheet = sheet.replace("\n", "\n/* wxreplay-lint: disable-next-line=WXR316 */\n", 1)  # silences line 3
    p = Proj()
    p.files[f"{CARD}.wxss"] = sheet
    root = p.write(tmp_path)
    started = time.process_time()
    run = lint_paths([root])
    assert time.process_time() - started < 8.0
    lines = [f.line for f in run.report.findings if f.rule == "WXR316"]
    assert len(lines) == 19_999 and 3 not in lines and run.report.suppressed == 1
