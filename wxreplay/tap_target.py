"""Which node a scenario's tap by text means, and when that choice is a guess.

A tap by ``text`` picks the innermost element containing the text from which a tap reaches a
handler (itself or an ancestor bound with ``bindtap``/``catchtap``), those whose whole text equals
``text`` first, then the ``index``-th of those (0-based). When the scenario writes no ``index`` and
several nodes share the best rank (several exact matches, or no exact match and several that
contain the text), the first one is taken and :func:`ambiguity` says so as a warning finding
listing the candidates: a card whose list grows must not make the scenario tap another node
silently.
"""

from __future__ import annotations

import json

from wxreplay.cards.tree import ROOT_TAG, TEXT_TAG, CardNode
from wxreplay.findings import Finding

__all__ = ["AMBIGUOUS_TAP", "ambiguity", "describe", "tap_candidates"]

#: The finding code of a text tap that matched several nodes equally well.
AMBIGUOUS_TAP = "ambiguous-tap"

# At most this many candidates are listed in the finding (the count says how many there were).
_SHOWN = 8


def tap_candidates(tree: CardNode, text: str) -> list[CardNode]:
    """The nodes a tap on ``text`` may mean: innermost elements containing it from which a tap reaches
    a handler, those whose whole text equals ``text`` first (document order otherwise)."""
    hits = [n for n in tree.iter() if n.tag not in (TEXT_TAG, ROOT_TAG) and text in n.texts().strip()]
    above: set[int] = set()
    for n in hits:
        p = n.parent
        while p is not None:
            above.add(id(p))
            p = p.parent
    innermost = [n for n in hits if id(n) not in above]

    def reaches_handler(n: CardNode) -> bool:
        p: CardNode | None = n
        while p is not None and p.tag != ROOT_TAG:
            if "tap" in p.events:
                return True
            p = p.parent
        return False

    tappable = [n for n in innermost if reaches_handler(n)]
    same = [n for n in tappable if n.texts().strip() == text]
    ids = {id(n) for n in same}
    return same + [n for n in tappable if id(n) not in ids]


def describe(node: CardNode, index: int) -> str:
    """One candidate as the finding lists it: ``#1 view.tile "拿铁" (line 12)``."""
    text = json.dumps(node.texts().strip(), ensure_ascii=False)
    if len(text) > 60:
        text = text[:58] + '…"'
    line = f" (line {node.line})" if node.line else ""
    return f"#{index} {node.selector()} {text}{line}"


def ambiguity(candidates: list[CardNode], text: str, *, card: str, api: str | None, context: str | None) -> Finding | None:
    """The warning for a text tap without ``index`` whose best-ranked candidates are several, else ``None``."""
    exact = [n for n in candidates if n.texts().strip() == text]
    tied = exact if exact else candidates
    if len(tied) < 2:
        return None
    how = "have exactly this text" if exact else "contain it"
    listed = "; ".join(describe(n, i) for i, n in enumerate(tied[:_SHOWN]))
    more = f"; … {len(tied) - _SHOWN} more" if len(tied) > _SHOWN else ""
    return Finding(
        AMBIGUOUS_TAP,
        f"the tap on {text!r} could mean {len(tied)} tappable nodes of the {card} card that {how}, and took #0; "
        f"say which with index: N (0-based, in this order) or selector: — {listed}{more}",
        api=api,
        context=context,
    )
