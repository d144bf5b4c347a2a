"""Storage reads are recorded by reference to the stored JSON text, and stay exact (issue 16).

A read used to copy the value three times in V8 and once more in Python; now the text crosses
once under an id and the event decodes it when something looks. These tests pin what the record
says in every case where the text is not simply the value (Python-written floats, a failure-shaped
value, a table reset, a step V8 stopped) and that a text read again does not cross again.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from wxreplay import Device, Project, Session, SessionLimits, jsonfile
from wxreplay.errors import CallTimeoutError
from wxreplay.host.availability import ContextKind
from wxreplay.project import skill as skill_module

OK = "return { content: [{ type: 'text', text: 'ok' }] }"


def _reads(result: Any) -> list[tuple[Any, Any, Any]]:
    return [(e.args, e.outcome, e.ok) for e in result.host_events if e.name == "getStorageSync"]


def test_a_python_written_float_is_recorded_as_the_skill_read_it(
    probe_project: Callable[..., Project], open_session: Callable[..., Session]
) -> None:
    project = probe_project({"read": f"async () => {{ wx.getStorageSync('p'); wx.getStorageSync('p'); {OK} }}"})
    session = open_session(project, device=Device(storage={"p": {"price": 1.0, "n": [2.50]}}))
    reads = _reads(session.call("read", {}))
    # JSON.parse('1.0') is the number 1: the record shows what the skill got, not Python's text.
    assert reads == [("p", {"price": 1, "n": [2.5]}, True)] * 2
    assert isinstance(reads[0][1]["price"], int)


def test_a_stored_failure_shaped_value_reads_as_a_failed_event_as_before(
    probe_project: Callable[..., Project], open_session: Callable[..., Session]
) -> None:
    project = probe_project(
        {
            "read": "async () => { wx.setStorageSync('r', { errMsg: 'pay:fail no money' });"
            " wx.setStorageSync('s', { inner: { errMsg: 'x:fail' } });"
            f" wx.getStorageSync('r'); wx.getStorageSync('s'); {OK} }}"
        }
    )
    reads = _reads(open_session(project).call("read", {}))
    assert reads == [
        ("r", {"errMsg": "pay:fail no money"}, False),
        ("s", {"inner": {"errMsg": "x:fail"}}, True),
    ]


def test_a_text_read_again_does_not_cross_again(
    probe_project: Callable[..., Project], open_session: Callable[..., Session]
) -> None:
    big = [{"id": i, "name": "拿铁" * 20} for i in range(50)]
    project = probe_project({"read": f"async () => {{ wx.getStorageSync('cat'); wx.getStorageSync('cat'); {OK} }}"})
    session = open_session(project, device=Device(storage={"cat": big}))
    for _ in range(3):
        assert _reads(session.call("read", {})) == [("cat", big, True)] * 2
    texts = session.contexts[ContextKind.API].texts
    assert list(texts.values()).count(json.dumps(big, ensure_ascii=False, separators=(",", ":"))) == 1


def test_more_distinct_texts_than_the_table_keeps_stay_exact(
    probe_project: Callable[..., Project], open_session: Callable[..., Session]
) -> None:
    project = probe_project(
        {
            "bump": "async ({ n }) => { for (let i = 0; i < 40; i++) { wx.setStorageSync('k', { n, i });"
            f" wx.getStorageSync('k') }} {OK} }}"
        },
        schemas={"bump": {"type": "object"}},
    )
    session = open_session(project)
    for n in range(16):  # 640 distinct texts: past the 512 the JS table keeps, so it resets
        assert [o for _a, o, _ok in _reads(session.call("bump", {"n": n}))] == [{"n": n, "i": i} for i in range(40)]
    assert len(session.contexts[ContextKind.API].texts) <= 512


def test_reads_after_a_step_v8_stopped_are_exact(
    probe_project: Callable[..., Project], open_session: Callable[..., Session]
) -> None:
    project = probe_project(
        {
            "spin": "async () => { wx.setStorageSync('a', [1, 2]); wx.getStorageSync('a'); for (;;) {} }",
            "read": f"async () => {{ wx.getStorageSync('a'); wx.setStorageSync('b', 'x'); wx.getStorageSync('b'); {OK} }}",
        }
    )
    session = open_session(project, limits=SessionLimits(wall_timeout_s=0.5))
    with pytest.raises(CallTimeoutError):
        session.call("spin", {})
    assert _reads(session.call("read", {})) == [("a", [1, 2], True), ("b", "x", True)]


def test_skills_of_one_subpackage_read_its_sources_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    skills = []
    for name in ("one", "two", "three"):
        d = tmp_path / "skills" / name
        d.mkdir(parents=True)
        (d / "index.js").write_text("wx.modelContext.registerAPI('ping', async () => ({ content: [] }))\n", encoding="utf-8")
        (d / "mcp.json").write_text(
            json.dumps({"apis": [{"name": "ping", "description": "ping", "inputSchema": {"type": "object"}}]}),
            encoding="utf-8",
        )
        (d / "SKILL.md").write_text(f"# {name}\n", encoding="utf-8")
        skills.append({"name": name, "description": name, "path": f"skills/{name}"})
    (tmp_path / "pages" / "home").mkdir(parents=True)
    (tmp_path / "app.json").write_text(
        json.dumps(
            {
                "pages": ["pages/home/home"],
                "subPackages": [{"root": "skills", "independent": True, "pages": []}],
                "agent": {"skills": skills},
            }
        ),
        encoding="utf-8",
    )
    project = Project.load(tmp_path)
    reads: list[Path] = []
    real = jsonfile.read_text

    def counting(path: Path, **kw: Any) -> str:
        reads.append(path)
        return real(path, **kw)

    monkeypatch.setattr(skill_module, "read_text", counting)
    sources = [s.source_files() for s in project.skills]
    assert sources[0] == sources[1] == sources[2]
    assert len(sources[0]) == 6  # three index.js and three mcp.json
    assert len(reads) == 6  # once for the subpackage, not once per skill
    assert project.skills[0].source_bundle() is project.skills[2].source_bundle()
