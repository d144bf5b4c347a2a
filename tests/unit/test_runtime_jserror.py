"""One reader of the JS error record (``runtime/jserror.py``) for API and card errors, in real V8.

The API context and the card contexts turn a thrown error into our error the same way: the skill's
own frame, the syntax error's place, the shared hints (a missing module) and each side's own hints.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from wxreplay import Project, Session
from wxreplay.cards.card import CardError
from wxreplay.errors import JSError

LAB = Path(__file__).resolve().parents[1] / "skills" / "cards-lab"
CARD_JS = "skills/lab/components/no-component/index.js"
SYNTAX_HINT = "fix the syntax; wxreplay compiles each file exactly as the client does"
MODULE_HINT = "check the path; requires are relative to the requiring file and cannot leave the subpackage"


def test_api_syntax_error_is_located_with_the_syntax_hint(
    probe_project: Callable[..., Project], open_session: Callable[..., Session]
) -> None:
    project = probe_project({"lazy": "async () => require('./late')"}, files={"skills/probe/late.js": "\n\nlet = = 3\n"})
    with pytest.raises(JSError) as info:
        open_session(project).call("lazy")
    err = info.value
    assert (err.file, err.line, err.column) == ("skills/probe/late.js", 3, 7)
    assert err.message.startswith("JavaScript syntax error while lazy: SyntaxError: ")
    assert err.hint == SYNTAX_HINT


@pytest.fixture
def card_with(tmp_path: Path) -> Iterator[Callable[[str], Session]]:
    """Factory: a copy of the cards lab whose ``no-component`` card runs ``source``, in an open session."""
    opened: list[Session] = []

    def make(source: str) -> Session:
        root = tmp_path / f"lab{len(opened)}"
        shutil.copytree(LAB, root)
        (root / CARD_JS).write_text(source, encoding="utf-8")
        session = Session(Project.load(root))
        opened.append(session)
        return session

    yield make
    for session in opened:
        session.close()


def _card_error(session: Session) -> CardError:
    with pytest.raises(CardError) as info:
        session.render(session.call("noComponent", {"data": {"title": "x"}}))
    return info.value


def test_card_syntax_error_is_located_with_the_syntax_hint(card_with: Callable[[str], Session]) -> None:
    err = _card_error(card_with("Component({\n  data: { title: 'x' },,\n})\n"))
    assert (err.file, err.line, err.column) == (CARD_JS, 2, 24)
    assert err.message.startswith("JavaScript syntax error while ") and "SyntaxError: Unexpected token ','" in err.message
    assert (err.hint, err.api, err.component) == (SYNTAX_HINT, "noComponent", "components/no-component/index")


def test_card_missing_module_gets_the_shared_hint(card_with: Callable[[str], Session]) -> None:
    err = _card_error(card_with("// needs a helper\nconst fmt = require('./nope')\nComponent({})\n"))
    assert err.hint == MODULE_HINT
    assert (err.file, err.line) == (CARD_JS, 2)
    assert "components/no-component/index threw while " in err.message and "nope" in err.message


def test_card_observer_loop_gets_the_card_hint(card_with: Callable[[str], Session]) -> None:
    source = (
        "Component({\n"
        "  data: { n: 0 },\n"
        "  observers: { n() { this.setData({ n: this.data.n + 1 }) } },\n"
        "  lifetimes: { attached() { this.setData({ n: 1 }) } },\n"
        "})\n"
    )
    err = _card_error(card_with(source))
    assert "observers kept calling setData" in err.message
    assert err.hint == "make the observer set a different field, or only set it when the value really changes"
    assert err.js_stack and "wxreplay:" not in err.js_stack


def test_the_wrapper_prefix_is_the_one_require_writes() -> None:
    """clean_stack corrects line-1 columns by the wrapper's length: it must be the text modules.js puts there."""
    from pathlib import Path

    import wxreplay
    from wxreplay.jsstack import WRAPPER_PREFIX

    modules_js = (Path(wxreplay.__file__).parent / "runtime" / "js" / "modules.js").read_text(encoding="utf-8")
    assert f"const code = '{WRAPPER_PREFIX}' + src + '\\n" in modules_js


@pytest.mark.parametrize(
    ("frame", "shown"),
    [
        ("    at f (skills/a/x.js:1:70)", "    at f (skills/a/x.js:1:9)"),
        ("    at skills/a/x.js:1:62", "    at skills/a/x.js:1:1"),
        ("    at f (skills/a/x.js:2:70)", "    at f (skills/a/x.js:2:70)"),  # other lines are the file's own
        ("    at f (native:1:70)", "    at f (native:1:70)"),  # not a skill file
    ],
)
def test_clean_stack_takes_the_wrapper_off_first_line_columns(frame: str, shown: str) -> None:
    from wxreplay.jsstack import clean_stack

    assert clean_stack("Error: x\n" + frame) == "Error: x\n" + shown
