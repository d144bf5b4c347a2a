"""The one Diagnostic type: its dict and text shapes, and Finding's (which transcripts and the CLI show)."""

from __future__ import annotations

from typing import Any

import pytest

from wxreplay import Finding
from wxreplay.diagnostic import Diagnostic


@pytest.mark.parametrize(
    ("diagnostic", "data", "text"),
    [
        pytest.param(
            Finding("not-registered", "mcp.json declares 'a'", level="error", api="a", file="s/mcp.json"),
            {"code": "not-registered", "message": "mcp.json declares 'a'", "level": "error", "api": "a", "file": "s/mcp.json"},
            "error: mcp.json declares 'a' [not-registered]",  # a file without a line is not shown
            id="finding-file-without-line",
        ),
        pytest.param(
            Finding("host", "slow", context="api", file="f.js", line=3, api="pay"),
            {"code": "host", "message": "slow", "level": "warning", "api": "pay", "context": "api", "file": "f.js", "line": 3},
            "warning: f.js:3: slow [host]",
            id="finding-keys-in-their-historical-order",
        ),
        pytest.param(
            Diagnostic("wxss-banned", "z-index is not supported", file="c.wxss", line=2, column=3),
            {
                "code": "wxss-banned",
                "message": "z-index is not supported",
                "level": "error",
                "file": "c.wxss",
                "line": 2,
                "column": 3,
            },
            "error: c.wxss:2:3: z-index is not supported [wxss-banned]",
            id="diagnostic-with-column",
        ),
        pytest.param(
            Diagnostic("card-tag", "tag <swiper> is not allowed", "error", "x.wxml", 1, 1, "use view"),
            {
                "code": "card-tag",
                "message": "tag <swiper> is not allowed",
                "level": "error",
                "file": "x.wxml",
                "line": 1,
                "column": 1,
                "hint": "use view",
            },
            "error: x.wxml:1:1: tag <swiper> is not allowed [card-tag]\n  fix: use view",
            id="diagnostic-with-hint",
        ),
    ],
)
def test_shapes(diagnostic: Diagnostic, data: dict[str, Any], text: str) -> None:
    assert diagnostic.to_dict() == data
    assert list(diagnostic.to_dict()) == list(data)  # the key order is part of the snapshot format
    assert str(diagnostic) == text


def test_finding_is_a_diagnostic_built_the_old_way() -> None:
    f = Finding("w", "order WS0001 is slow", api="pay")
    assert isinstance(f, Diagnostic)
    assert (f.code, f.rule, f.level, f.api, f.context, f.column, f.hint) == ("w", "w", "warning", "pay", None, None, None)
    assert Diagnostic("r", "m").level == "error"  # checkers report errors unless they say otherwise
    assert Finding("w", "m") == Finding("w", "m") and hash(Finding("w", "m")) == hash(Finding("w", "m"))
