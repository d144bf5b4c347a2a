"""Malformed input gives findings, never a crash: broken JSON, binary, empty and huge files, arbitrary contents."""

from __future__ import annotations

import shutil
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


@pytest.mark.parametrize("name", FILES)
@pytest.mark.parametrize(
    "content",
    [b"", b"\x00\x01\x02\xff binary", b"{", "caf\xe9".encode("latin-1"), b"\xef\xbb\xbf", b"[[[[" * 200 + b"]" * 800],
    ids=["empty", "binary", "broken", "latin1", "bom-only", "deep"],
)
def test_each_file_malformed_gives_findings(tmp_path: Path, name: str, content: bytes) -> None:
    if name.endswith(".wxss") and content in (b"", b"\xef\xbb\xbf"):
        pytest.skip("an empty stylesheet is a valid card stylesheet: nothing to report")
    if name.endswith(".md") and content[:1] in (b"{", b"["):
        pytest.skip("brackets are valid Markdown text: nothing to report")
    root = Proj().write(tmp_path)
    (root / name).write_bytes(content)
    assert rules_for(root), f"{name} = {content[:20]!r} produced no finding"


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
