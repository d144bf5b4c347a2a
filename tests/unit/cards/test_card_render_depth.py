"""A card renders at most MAX_NESTING levels of elements: a template that includes itself is stopped with a
located CardRenderError, never a RecursionError past the card context (was: a traceback from ``wxreplay run``)."""

from __future__ import annotations

import shutil

import httpx
import pytest
from test_card_support import LAB

from wxreplay import Project, Session
from wxreplay.cards.runtime import CardRenderError
from wxreplay.source import MAX_NESTING

RECURSIVE = (
    '<template name="deep"><view class="d"><template wx:if="{{n > 1}}" is="deep" data="{{n: n - 1}}"/></view></template>\n'
    '<template is="deep" data="{{n: items.length}}"/>\n'
)


@pytest.fixture(scope="module")
def deep_lab(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """cards-lab whose list card also renders a recursive template, one level per listed item."""
    root = tmp_path_factory.mktemp("deep") / "cards-lab"
    shutil.copytree(LAB, root)
    wxml = root / "skills" / "lab" / "components" / "list" / "index.wxml"
    wxml.write_text(RECURSIVE + wxml.read_text(encoding="utf-8"), encoding="utf-8")
    return Project.load(root)


def _depth(node: object) -> int:
    kids = [c for c in getattr(node, "children", []) if c.tag == "view"]
    return 1 + max((_depth(c) for c in kids), default=0)


def test_a_card_renders_its_full_depth_up_to_the_limit(deep_lab: Project) -> None:
    with Session(deep_lab, transport=httpx.MockTransport(lambda r: httpx.Response(500))) as s:
        card = s.render(s.call("listItems", {"n": MAX_NESTING}))
        (top,) = [n for n in card.tree.children if "d" in n.classes]
        assert _depth(top) == MAX_NESTING


@pytest.mark.parametrize("n", [MAX_NESTING + 1, 500])
def test_a_card_rendering_deeper_is_a_located_error(deep_lab: Project, n: int) -> None:
    with (
        Session(deep_lab, transport=httpx.MockTransport(lambda r: httpx.Response(500))) as s,
        pytest.raises(CardRenderError) as info,
    ):
        s.render(s.call("listItems", {"n": n}))
    err = info.value
    assert f"the card renders deeper than {MAX_NESTING} levels of elements" in str(err)
    assert err.file is not None and err.file.endswith("components/list/index.wxml")
    assert err.hint is not None and "template that includes itself" in err.hint
