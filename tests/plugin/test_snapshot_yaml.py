"""The snapshot text itself: what ``snapshot_yaml`` writes, the same with and without libyaml."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from wxreplay.snapshot import HEADER, Verbatim, WxSnapshotExtension, snapshot_data, snapshot_yaml

TRICKY: list[Any] = [
    "yes",
    "null",
    "~",
    "012",
    "2026-01-05",
    "- dash",
    "a: b",
    "#c",
    "",
    "  lead",
    "trail  ",
    "é",
    "拿铁，少糖",
    "多行\n文本\n",
    "x\n y  \n",
    "🥤奶茶\n第二行",
    "😀 emoji",
    "a\x85b",
    "tab\there",
    "\x07bell",
    "\u2028sep",
    "line\r\nwin",
    1.5,
    1e20,
    float("inf"),
    -0.0,
    10**30,
    -7,
    True,
    False,
    None,
    [],
    {},
    {"": 1},
    [[1, "二"], {"k": ["v"]}],
    {"k" * 130: 1},
    {"多行\n键": 1},
    {"1": "一"},
    {"true": 2},
]


class _Reference(yaml.SafeDumper):
    """PyYAML's own emitter and representer: what ``snapshot_yaml`` must match byte for byte."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


_Reference.add_representer(str, lambda d, s: d.represent_scalar("tag:yaml.org,2002:str", s, style="|" if "\n" in s else None))


@pytest.mark.parametrize("value", TRICKY, ids=repr)
def test_same_text_as_pythons_emitter(value: Any) -> None:
    data = {"k": value, "list": [value]}
    expected = HEADER + yaml.dump(
        data, Dumper=_Reference, allow_unicode=True, default_flow_style=False, sort_keys=False, width=1 << 16
    )
    assert snapshot_yaml(data) == expected
    assert yaml.safe_load(snapshot_yaml(data)) == yaml.safe_load(expected)


def test_readable_block_yaml() -> None:
    text = snapshot_yaml({"facts": ["已下单，合计 ¥28。"], "tree": 'view.card\n  text "拿铁"\n', "n": 2})
    assert text == '# wxreplay snapshot 1\nfacts:\n- 已下单，合计 ¥28。\ntree: |\n  view.card\n    text "拿铁"\nn: 2\n'


def test_only_plain_data() -> None:
    with pytest.raises(TypeError, match="plain data"):
        snapshot_yaml({"when": object()})


def test_extension_serialises_plain_data_and_passes_verbatim_text() -> None:
    extension = WxSnapshotExtension()
    assert extension.serialize({"a": [1]}) == "# wxreplay snapshot 1\na:\n- 1\n"
    assert extension.serialize(Verbatim("kept as is\n")) == "kept as is\n"
    assert snapshot_data({"plain": True}) == {"plain": True}
