"""What an atomic API returns, checked against the platform's return format, limits and schemas."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from wxreplay import Project, Session
from wxreplay.errors import ArgumentsError, JSError, ProjectError, ResultError

Opener = Callable[..., Session]
LIMIT = 200 * 1024
BLOCK_OVERHEAD = len('[{"type":"text","text":""}]')

RESULTS = {
    "sized": "async (a) => ({ content: [{ type: 'text', text: 'x'.repeat(a.n) }] })",
    "bigStructured": "async () => ({ content: [], structuredContent: { blob: '字'.repeat(70000) } })",
    "bigMeta": "async () => ({ content: [], _meta: { blob: 'y'.repeat(205000) } })",
    "image": "async () => ({ content: [{ type: 'image', url: 'https://x/y.png' }] })",
    "noText": "async () => ({ content: [{ type: 'text' }] })",
    "contentString": "async () => ({ content: 'just text' })",
    "noContent": "async () => ({ structuredContent: { a: 1 } })",
    "undefined": "async () => {}",
    "string": "async () => 'done'",
    "bigint": "async () => ({ content: [], structuredContent: { id: 10n } })",
    "cycle": "async () => { const o = { content: [] }; o.self = o; return o }",
    "scArray": "async () => ({ content: [], structuredContent: [1, 2] })",
    "isErrorString": "async () => ({ isError: 'false', content: [] })",
    "schema": "async (a) => ({ isError: !!a.fail, content: [], structuredContent: a.sc })",
    "handoffPath": "async () => ({ content: [], handoff: { path: '/pages/other/index', query: 'a=1&b=2' } })",
    "handoffObject": "async () => ({ content: [], handoff: { path: '/pages/s/index',"
    " query: { q: '拿 铁', hot: true, n: 2, f: { a: 1 }, skip: null, amp: 'a&b=c' } } })",
    "handoffThrows": "async () => ({ content: [], handoff: () => { throw new Error('resolver broke') } })",
    "sync": "(a) => ({ content: [{ type: 'text', text: 'sync ' + a.v }] })",
}
OUTPUT = {"type": "object", "properties": {"orderId": {"type": "string"}, "total": {"type": "number"}}, "required": ["orderId"]}


@pytest.fixture(scope="module")
def results_project(probe_project: Callable[..., Project]) -> Project:
    """A probe skill returning results of every shape."""
    return probe_project(RESULTS, output_schemas={"schema": OUTPUT})


@pytest.fixture(scope="module")
def results_session(results_project: Project) -> Any:
    """One session for the whole module: these handlers keep no state."""
    with Session(results_project) as s:
        yield s


def test_content_at_the_limit_passes_one_byte_more_fails(results_session: Session) -> None:
    r = results_session.call("sized", {"n": LIMIT - BLOCK_OVERHEAD})
    assert len(r.text) == LIMIT - BLOCK_OVERHEAD
    with pytest.raises(ResultError) as info:
        results_session.call("sized", {"n": LIMIT - BLOCK_OVERHEAD + 1})
    assert "sized returned content of 204,801 bytes; the platform limit is 204,800 bytes (200 KB)" in str(info.value)


@pytest.mark.parametrize("api, key, size", [("bigStructured", "structuredContent", 210_011), ("bigMeta", "_meta", 205_011)])
def test_oversize_structured_content_and_meta(results_session: Session, api: str, key: str, size: int) -> None:
    with pytest.raises(ResultError, match=f"{api} returned {key} of {size:,} bytes"):
        results_session.call(api)


@pytest.mark.parametrize(
    "api, message",
    [
        (
            "image",
            'image returned content[0] = {"type": "image", "url": "https://x/y.png"}; only { type: \'text\', text: string }',
        ),
        ("noText", 'noText returned content[0] = {"type": "text"}; only'),
        ("contentString", 'contentString returned no content array (content is "just text")'),
        ("noContent", "noContent returned no content array (content is null)"),
        ("undefined", "undefined returned null; an atomic API must return an object"),
        ("string", 'string returned "done"; an atomic API must return an object'),
        ("scArray", "scArray returned structuredContent that is not an object"),
    ],
)
def test_malformed_results(results_session: Session, api: str, message: str) -> None:
    with pytest.raises(ResultError) as info:
        results_session.call(api)
    assert message in str(info.value)
    assert info.value.api == api


@pytest.mark.parametrize(
    "api, message",
    [
        ("bigint", "Do not know how to serialize a BigInt"),
        ("cycle", "Converting circular structure to JSON"),
    ],
)
def test_unserialisable_results(results_session: Session, api: str, message: str) -> None:
    with pytest.raises(ResultError) as info:
        results_session.call(api)
    assert message in str(info.value) and "no BigInt, no cycles" in (info.value.hint or "")


def test_session_survives_bad_results(results_session: Session) -> None:
    assert results_session.call("sync", {"v": 1}).text == "sync 1"  # also: a plain (non-Promise) handler


def test_is_error_must_be_boolean(results_session: Session) -> None:
    r = results_session.call("isErrorString")
    assert [f.code for f in r.findings] == ["isError-type"]
    assert r.is_error is True  # the platform reads the truthy string; the finding says it is wrong


@pytest.mark.parametrize(
    "sc, expected",
    [
        ({"orderId": "A1", "total": 3}, []),
        ({"orderId": 1}, ["structuredContent.orderId: 1 is not of type 'string' (outputSchema of schema)"]),
        (
            {"total": "3"},
            [
                "structuredContent: 'orderId' is a required property (outputSchema of schema)",
                "structuredContent.total: '3' is not of type 'number' (outputSchema of schema)",
            ],
        ),
    ],
)
def test_output_schema_mismatch_is_a_finding(results_session: Session, sc: dict[str, Any], expected: list[str]) -> None:
    r = results_session.call("schema", {"sc": sc})
    assert r.structured_content == sc
    assert [f.message for f in r.findings] == expected
    assert all(f.code == "output-schema" and f.level == "warning" and f.file == "skills/probe/mcp.json" for f in r.findings)


def test_output_schema_is_not_checked_on_errors(results_session: Session) -> None:
    assert results_session.call("schema", {"fail": True, "sc": {"orderId": 1}}).findings == []


def test_handoff_path_overrides_page_path(results_session: Session) -> None:
    r = results_session.call("handoffPath")
    assert r.handoff == {"path": "/pages/other/index", "query": "a=1&b=2", "url": "/pages/other/index?a=1&b=2"}


def test_handoff_query_object_is_encoded_like_javascript(results_session: Session) -> None:
    r = results_session.call("handoffObject")
    assert r.handoff is not None
    assert r.handoff["url"] == "/pages/s/index?q=%E6%8B%BF%20%E9%93%81&hot=true&n=2&f=%7B%22a%22%3A1%7D&amp=a%26b%3Dc"


def test_lazy_handoff_that_throws(results_session: Session) -> None:
    with pytest.raises(JSError) as info:
        results_session.call("handoffThrows")
    assert "handoffThrows threw: Error: resolver broke" in str(info.value)
    assert info.value.file == "skills/probe/index.js" and "lazy handoff" in (info.value.hint or "")


# ---- the notes skill: real-world result shapes ---------------------------------------------------


def test_lazy_handoff_function(notes_project: Project, open_session: Opener) -> None:
    r = open_session(notes_project).call("addNote", {"title": "周报"})
    note_id = r.structured_content["id"]
    assert r.handoff == {
        "query": f"noteId={note_id}",
        "payload": {"title": "周报"},
        "lazy": True,
        "url": f"/pages/notes/detail?noteId={note_id}",
    }
    assert r.findings == []
    assert r.to_dict()["handoff"]["url"] == f"/pages/notes/detail?noteId={note_id}"


def test_handoff_query_object_from_a_plain_handler(notes_project: Project, open_session: Opener) -> None:
    s = open_session(notes_project)
    s.call("addNote", {"title": "a", "tags": ["today"]})
    s.call("addNote", {"title": "b"})
    r = s.call("listNotes", {"tag": "today"})
    assert r.handoff is not None
    assert r.handoff["query"] == {"tag": "today", "count": 1}
    assert r.handoff["url"] == "/pages/notes/list?tag=today&count=1"
    assert r.handoff["payload"] == {"ids": [r.structured_content["notes"][0]["id"]]}


def test_api_calls(notes_project: Project, open_session: Opener) -> None:
    r = open_session(notes_project).call("planDay")
    assert r.api_calls == [{"name": "listNotes", "arguments": {"tag": "today"}}, {"name": "syncNotes", "arguments": {}}]
    assert r.to_dict() == {
        "api": "planDay",
        "arguments": {},
        "isError": False,
        "content": [{"type": "text", "text": "已规划。接下来依次列出笔记并同步。"}],
        "apiCalls": r.api_calls,
    }


@pytest.mark.parametrize(
    "args, problem",
    [
        ({}, "(top level): 'title' is a required property"),
        ({"title": 7}, "title: 7 is not of type 'string'"),
        ({"title": ""}, "title: '' should be non-empty"),
        ({"title": "t", "tags": ["a", 2]}, "tags[1]: 2 is not of type 'string'"),
        ({"title": "t", "colour": "red"}, "(top level): Additional properties are not allowed ('colour' was unexpected)"),
    ],
)
def test_input_schema_violation_names_the_field(
    notes_project: Project, open_session: Opener, args: dict[str, Any], problem: str
) -> None:
    s = open_session(notes_project)
    with pytest.raises(ArgumentsError) as info:
        s.call("addNote", args)
    assert problem in str(info.value)
    assert info.value.file == "skills/notes/mcp.json" and info.value.api == "addNote"
    assert "addNote takes body, tags, title (required: title)" in (info.value.hint or "")
    assert s.events[-1].name == "modelContext.registerAPI"  # nothing ran


def test_enum_and_non_object_arguments(notes_project: Project, open_session: Opener) -> None:
    s = open_session(notes_project)
    with pytest.raises(ArgumentsError, match=r"plan: 'week' is not one of \['month', 'year'\]"):
        s.call("buyPremium", {"plan": "week"})
    with pytest.raises(ArgumentsError, match="arguments of buyPremium must be a JSON object, got list"):
        s.call("buyPremium", ["month"])  # type: ignore[arg-type]


def test_broken_schemas_are_reported_not_crashes(probe_project: Callable[..., Project], open_session: Opener) -> None:
    project = probe_project(
        {"typo": "async () => ({ content: [], structuredContent: { b: 1 } })"},
        schemas={"typo": {"type": "object", "properties": {"a": {"type": "strnig"}}}},
    )
    with pytest.raises(ProjectError) as info:
        open_session(project).call("typo", {"a": "x"})
    assert "the inputSchema of typo is not a valid JSON Schema: properties.a.type: 'strnig'" in str(info.value)
    assert info.value.file == "skills/probe/mcp.json"
    output = probe_project(
        {"typo": "async () => ({ content: [], structuredContent: { b: 1 } })"},
        output_schemas={"typo": {"type": "object", "properties": {"b": {"type": "numbr"}}}},
    )
    r = open_session(output).call("typo")
    assert [(f.code, f.message.split(":")[0]) for f in r.findings] == [
        ("output-schema", "the outputSchema of typo is not a valid JSON Schema")
    ]
