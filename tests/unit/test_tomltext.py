"""TOML parsed once per text: an edited file is never served stale, and no caller sees another's changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from wxreplay import tomltext
from wxreplay.config import snapshot_compact_bytes


def test_each_caller_gets_its_own_copy() -> None:
    a = tomltext.loads("[tool.x]\nlist = [1, 2]\n")
    a["tool"]["x"]["list"].append(3)
    assert tomltext.loads("[tool.x]\nlist = [1, 2]\n") == {"tool": {"x": {"list": [1, 2]}}}


def test_an_edited_pyproject_is_read_anew_in_the_same_process(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text("[tool.wxreplay]\nsnapshot_compact_bytes = 100\n", encoding="utf-8")
    assert snapshot_compact_bytes(pyproject) == 100
    pyproject.write_text("[tool.wxreplay]\nsnapshot_compact_bytes = 200\n", encoding="utf-8")
    assert snapshot_compact_bytes(pyproject) == 200


def test_bad_toml_still_raises_every_time() -> None:
    import tomllib

    for _ in range(2):
        with pytest.raises(tomllib.TOMLDecodeError):
            tomltext.loads("[tool\n")
