"""The card tree: building from VNodes, the two serialisations, selectors, text search."""

from __future__ import annotations

import pytest

from wxreplay.cards.tree import CardNode, CardQueryError, EventBinding, build_tree

VNODES = [
    {
        "tag": "view",
        "line": 1,
        "attrs": {"class": "rec-card"},
        "kids": [
            {"tag": "text", "line": 2, "attrs": {"class": "title"}, "kids": [{"text": "为你推荐", "line": 2}]},
            {
                "tag": "view",
                "line": 3,
                "attrs": {"class": "item first", "id": "d101", "hover-class": "pressed"},
                "ds": {"drinkId": 101, "item": {"name": "拿铁"}},
                "ev": {"tap": {"h": "onTap", "c": False}},
                "key": 101,
                "kids": [
                    {"tag": "text", "kids": [{"text": "拿铁"}]},
                    {"tag": "image", "attrs": {"src": "https://c/a.png", "mode": "aspectFill"}},
                ],
            },
            {
                "tag": "view",
                "line": 9,
                "attrs": {"class": "item"},
                "ev": {"tap": {"h": "onTap", "c": True}},
                "kids": [{"tag": "text", "kids": [{"text": "美式 "}, {"text": "¥22"}]}],
            },
            {"tag": "scroll-view", "attrs": {"scroll-x": True}, "kids": []},
        ],
    },
]


@pytest.fixture()
def tree() -> CardNode:
    return build_tree(VNODES, file="skills/x/components/c/index.wxml")


def test_build_keeps_everything(tree: CardNode) -> None:
    item = tree.find("#d101")
    assert item.classes == ("item", "first")
    assert item.attrs == {"hover-class": "pressed"}
    assert item.dataset == {"drinkId": 101, "item": {"name": "拿铁"}}
    assert item.events == {"tap": EventBinding("onTap", False)}
    assert item.key == 101 and item.line == 3 and item.path == (0, 1)
    assert item.parent is tree.children[0]
    assert tree.at((0, 1)) is item
    assert item.file == "skills/x/components/c/index.wxml"


def test_compact_text_form(tree: CardNode) -> None:
    assert tree.to_text() == "\n".join(
        [
            "view.rec-card",
            '  text.title "为你推荐"',
            '  view#d101.item.first hover-class=pressed @tap=onTap data={"drinkId":101,"item":{"name":"拿铁"}}',
            '    text "拿铁"',
            "    image mode=aspectFill src=https://c/a.png",
            "  view.item @catch:tap=onTap",
            '    text "美式 ¥22"',
            "  scroll-view scroll-x",
        ]
    )
    assert str(tree) == tree.to_text()


def test_data_form_is_nested_sorted_and_unescaped(tree: CardNode) -> None:
    data = tree.to_data()
    assert data[0]["children"][1] == {
        "tag": "view",
        "id": "d101",
        "class": "item first",
        "attrs": {"hover-class": "pressed"},
        "data": {"drinkId": 101, "item": {"name": "拿铁"}},
        "on": {"tap": "onTap"},
        "children": [
            {"tag": "text", "text": "拿铁"},
            {"tag": "image", "attrs": {"mode": "aspectFill", "src": "https://c/a.png"}},
        ],
    }
    assert data[0]["children"][2]["on"] == {"tap": "catch:onTap"}


def test_equality_is_by_content(tree: CardNode) -> None:
    assert tree == build_tree(VNODES)  # the file is not content
    other = build_tree([{"tag": "view"}])
    assert tree != other


@pytest.mark.parametrize(
    ("selector", "count"),
    [
        ("view", 3),
        (".item", 2),
        ("#d101", 1),
        ("view.item.first", 1),
        (".rec-card text", 3),
        (".rec-card .item text", 2),
        ("text, image", 4),
        ("scroll-view", 1),
        (".missing", 0),
        ("image .item", 0),
    ],
)
def test_selectors(tree: CardNode, selector: str, count: int) -> None:
    assert len(tree.find_all(selector)) == count


def test_find_by_index_and_errors(tree: CardNode) -> None:
    assert tree.find(".item", 1).texts() == "美式 ¥22"
    assert tree.find(".item", -1).texts() == "美式 ¥22"
    with pytest.raises(CardQueryError) as e:
        tree.find(".item", 5)
    assert "found 2" in str(e.value) and "view.rec-card" in str(e.value)
    with pytest.raises(CardQueryError, match="not supported"):
        tree.find("view > text")


def test_find_text_is_innermost(tree: CardNode) -> None:
    assert tree.find_text("拿铁").tag == "text"
    assert tree.find_text("美式").selector() == "text"
    assert tree.find_text("美式 ¥22", exact=True).tag == "text"
    with pytest.raises(CardQueryError, match="no node #0 with text '抹茶'"):
        tree.find_text("抹茶")
