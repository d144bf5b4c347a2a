"""Split an API result's ``content`` text into facts and actions (spec 4.1, rules 9.3 #23-24).

The platform's convention is two-stage: ``content`` first states what happened (the *facts*), then
tells the model what to do next (the *actions*). A text with actions but no fact is a *bare
instruction* (裸指令), which makes the model skip waiting for the user. The rules below are
deterministic (no model, no dictionary beyond the word lists in this module) and handle Chinese,
English and the two mixed.

Sentences
  1. Every line break ends a sentence; blank lines are dropped. Text blocks of a result are split
     one by one, so a block boundary is a sentence boundary too.
  2. Chinese ``。！？；`` (and ASCII ``!?;`` before a CJK character) end a sentence. Repeated marks
     (``！！``, ``……。``) and closing quotes or brackets right after the mark stay with it.
  3. English ``. ! ? ;`` end a sentence only when followed by whitespace, the end of the line, a CJK
     character, or a closing quote/bracket and then one of those. So ``¥28.00``, ``v1.2``,
     ``a.b.c`` and ``x?y=1`` never split.
  4. A ``.`` does not end a sentence after an abbreviation (``e.g. i.e. etc. vs. mr. dr. no. approx.
     incl. cf. fig. st.``; ``etc.`` does end one when an upper-case word follows), after a single
     letter (``J. Smith``), or after a bare list number at the start of a line (``1. Call ...``).
  5. Nothing splits inside balanced quotes or brackets ``「」『』“”‘’"" （）()【】[]《》〈〉{}``
     or inside a URL (``http(s)://...`` minus trailing punctuation). An unbalanced opener protects
     nothing. Bracketed text therefore stays with its sentence. One exception: a mark right
     before the closing quote of an outermost ``“”`` / ``""`` / ``‘’`` quote ends the outer sentence
     after the quote (``他说“好的。”请…``; ``He said "stop." Then …`` when an upper-case word, a CJK
     character or the end follows). ``「」`` quotes names and labels and never ends a sentence.
  6. Each sentence keeps its trailing punctuation and is stripped of surrounding whitespace; a piece
     with no letter, digit or CJK character is glued to the sentence before it. Joining the pieces
     of a line gives back the line without its outer whitespace.

Actions
  7. Before looking at a sentence's start, these are skipped: list bullets (``-``, ``*``, ``•``,
     ``1.``, ``1、``, ``(1)``, ``①``), a short label ending in a colon (``注意：``, ``Note:``), connectors
     (然后 并且 并 同时 另外 此外 接着 随后 最后 之后 再 否则 那么 则 就 且 或者 或 但是 但 不过
     因此 所以 也 还 而 另; and also but so however otherwise additionally finally instead first
     second lastly), and a subject addressing the model (你 您 模型 助手 AI when a marker follows;
     you). A label is up to 12 characters without spaces, or one or two English words.
     A label that is itself an instruction (下一步 接下来 动作 操作 指令 要求 禁止; next, next step,
     action(s), instruction(s), todo) makes the sentence an action; 事实 / 结果 / fact / result
     make it a fact.
  8. A sentence is an **action** when it then starts with an imperative marker:
     Chinese 请 (not 请求) 禁止 不要 不得 不许 不准 别 勿 切勿 严禁 切忌 避免 无需 不必 不需要 务必 必须
     一定要 需要 (not before a number) 需先 应当 应该 应+verb 可以 可+verb (可直接, 可调用, 可引导, ...;
     never 可乐 可能 可选 ...) 建议 (not 建议价) 引导 展示 调用 (not "调用 X 失败/未完成/成功/...")
     询问 告诉 告知 提示 提醒 直接 立即 马上 尽快 接下来 下一步 只能 仅能 只需 仅需 再次调用 重新调用
     为用户/向用户/给用户/让用户/帮用户, 先 before 再/然后/之后 or a verb (先调用, 先询问, ...);
     English please, kindly, do not, don't, never, must, should, need to, have to, call (not "call
     failed/was/to ..."), show, display, render, present, ask, tell, inform, let, next, then, avoid,
     use, make sure, be sure, ensure, guide, invite, suggest, recommend, offer, confirm, remind,
     prompt, reply, respond, explain, try, retry, wait, proceed, continue, stop, refuse, send,
     direct, redirect, map, pass, include, keep, add, verify, select, choose, pick, go, mention,
     say, answer, describe, summarise, provide, give, collect, notify, warn, follow, tap, click,
     enter, see, refer, can, may (the last two only after "you").
  9. A **conditional instruction** is an action: a sentence opening with a condition (如果 如 若 假如
     倘若 一旦 当 万一 要是 如需 若需; English if, when, once, unless, in case, whenever, as soon as,
     after, before, should), or with 用户/顾客/客户/您/你 followed by 时/前/后/的话/之后/以后 in its
     first clause, whose consequence (the text after the condition's comma, after 时/前/后/的话/则,
     or after English "then") starts with a marker of rule 8, or whose consequence names an API (a
     camelCase identifier such as ``selectDrink``). "用户已明确…时，可直接…" and "If the user …, call
     …" are actions; "When the order is paid, the store starts making it." is a fact.
 10. A condition without an opener, ending in the first clause: after 时/的话/则 the consequence
     is read as in rule 9 ("没有订单时先调用 createOrder" is an action); after 前/后/之后/以后 only a
     *strong* marker (请 禁止 不要 不得 不许 不准 勿 切勿 严禁 务必 必须 一定要; please, do not, don't,
     never, must) makes it one ("支付成功后请调用 getOrder" is an action, "10 分钟后可取餐" a fact).
 11. Everything else is a **fact**: what happened, what was found, numbers, states.
 12. A fact sentence that continues, after ``，`` or ``,``, with a clause that is itself an action by
     rule 8 with a strong marker, or by rule 9 (e.g. "订单已支付，禁止再次调用 payOrder。", "Order
     paid, do not call payOrder again."), is cut there: the fact keeps the comma, the rest is an
     action. Each clause is judged on its first 300 characters. An action sentence is never cut
     (its explanatory clauses stay with it).

Result
 13. ``facts`` and ``actions`` keep text order; ``sentences`` keeps both interleaved with the reason
     for each kind. ``bare_instruction`` is true when there is at least one action and no fact.
     ``first_kind`` is the kind of the first sentence; ``order_violation`` is true when a fact comes
     after an action (the convention is facts first).

Known limits: sentences that are facts but start with a marker word (``展示位已满。``, ``需要排队。``)
are read as actions; pass such texts through ``sentences`` and its ``reason`` to see why.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from wxreplay import serialize

__all__ = ["Sentence", "Split", "classify", "sentences", "split_content", "split_result"]

Kind = Literal["fact", "action"]


@dataclass(frozen=True)
class Sentence:
    """One sentence (or cut clause, rule 12) of a content text, its kind, and the rule that decided it."""

    text: str
    kind: Kind
    reason: str


@dataclass
class Split:
    """A content text split into facts and actions (see the module docstring for the rules)."""

    facts: list[str]
    actions: list[str]
    bare_instruction: bool
    first_kind: Kind | None = None
    order_violation: bool = False
    sentences: list[Sentence] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """facts, actions, bareInstruction, firstKind, orderViolation."""
        return serialize.split(self)


# ---- sentences ----------------------------------------------------------------------------------

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af"
_CJK_RE = re.compile(f"[{_CJK}]")
_WORDY = re.compile(rf"[\w{_CJK}]")
_CN_END = "。！？；"
_EN_END = ".!?;"
_PAIRS = {
    "「": "」",
    "『": "』",
    "“": "”",
    "‘": "’",
    "（": "）",
    "(": ")",
    "【": "】",
    "[": "]",
    "《": "》",
    "〈": "〉",
    "{": "}",
}
_CLOSERS = {v: k for k, v in _PAIRS.items()}
_TRAILING = set(_CLOSERS) | {'"', "'"}
_QUOTE_CLOSE = '”"’'  # a sentence ending right before one of these ends the outer sentence (rule 5)
_URL = re.compile(r"https?://[^\s，。！？；、「」『』“”‘’（）《》【】<>\"]+")
_ABBREV = {
    "e.g",
    "i.e",
    "etc",
    "vs",
    "mr",
    "mrs",
    "ms",
    "dr",
    "st",
    "no",
    "approx",
    "incl",
    "cf",
    "fig",
    "al",
    "jr",
    "sr",
    "ca",
    "min",
    "max",
    "esp",
    "resp",
    "viz",
    "u.s",
    "a.m",
    "p.m",
}


def _protected(line: str) -> list[bool]:
    """Which positions lie inside balanced quotes/brackets or a URL (rule 5); linear in the line length."""
    delta = [0] * (len(line) + 1)
    stack: list[tuple[str, int]] = []

    def span(start: int, end: int) -> None:  # protect start..end-1
        if start < end:
            delta[start] += 1
            delta[end] -= 1

    for i, ch in enumerate(line):
        if ch == '"':
            if stack and stack[-1][0] == '"':
                span(stack.pop()[1] + 1, i)
            else:
                stack.append((ch, i))
        elif ch in _PAIRS:
            stack.append((ch, i))
        elif ch in _CLOSERS:
            opener = _CLOSERS[ch]
            depth = next((d for d in range(len(stack) - 1, -1, -1) if stack[d][0] == opener), None)
            if depth is not None:
                span(stack[depth][1] + 1, i)
                del stack[depth:]
    for m in _URL.finditer(line):
        end = m.end()
        while end > m.start() and line[end - 1] in ".,;:!?)]}'":
            end -= 1
        span(m.start(), end)
    mask: list[bool] = []
    level = 0
    for i in range(len(line)):
        level += delta[i]
        mask.append(level > 0)
    return mask


def _dot_is_end(line: str, i: int, start: int) -> bool:
    """Rule 4: a '.' followed by a break, unless it closes an abbreviation, an initial or a list number."""
    before = line[start:i]
    word = re.search(r"([A-Za-z][A-Za-z.]*)$", before)
    if word:
        w = word.group(1).lower()
        if w == "etc":
            nxt = line[i + 1 :].lstrip()
            return bool(nxt) and nxt[0].isupper()
        if w in _ABBREV or (len(w) == 1 and (i - len(w) == start or not line[i - len(w) - 1].isalpha())):
            return False
    return not re.fullmatch(r"\s*\d{1,3}", before)


def _split_line(line: str) -> list[str]:
    mask = _protected(line)
    pieces: list[str] = []
    start = 0
    i = 0
    n = len(line)
    while i < n:
        ch = line[i]
        end: int | None = None
        if mask[i] and (ch in _CN_END or ch in _EN_END) and i + 1 < n and line[i + 1] in _QUOTE_CLOSE and not mask[i + 1]:
            # 他说“好的。”请… / He said "stop." Then …: the quoted sentence ends the outer one too.
            k = i + 2
            nxt = line[k] if k < n else ""
            after = line[k:].lstrip()[:1]
            cn_end = ch in _CN_END and nxt not in _CN_END and nxt not in _TRAILING
            opens = not after or after.isupper() or bool(_CJK_RE.match(after))
            en_end = ch in _EN_END and (nxt == "" or (nxt.isspace() and opens))
            if cn_end or en_end:
                end = k
        elif not mask[i] and (ch in _CN_END or ch in _EN_END):
            j = i + 1
            while j < n and (line[j] in _CN_END or line[j] in _EN_END or line[j] == "…"):
                j += 1
            k = j
            while k < n and line[k] in _TRAILING:
                k += 1
            nxt = line[k] if k < n else ""
            breaks = nxt == "" or nxt.isspace() or bool(_CJK_RE.match(nxt))
            if ch in _CN_END or (breaks and (ch != "." or _dot_is_end(line, i, start))):
                end = k
        if end is not None:
            pieces.append(line[start:end])
            start = end
            i = end
        else:
            i += 1
    pieces.append(line[start:])
    out: list[str] = []
    for p in pieces:
        p = p.strip()
        if not p:
            continue
        if out and not _WORDY.search(p):
            out[-1] += p
        else:
            out.append(p)
    return out


def sentences(text: str) -> list[str]:
    """The sentences of ``text`` (rules 1-6), each with its trailing punctuation."""
    out: list[str] = []
    for line in (text or "").splitlines():
        out.extend(_split_line(line))
    return out


# ---- classification -----------------------------------------------------------------------------

_BULLET = re.compile(r"^(?:[-*•·]\s+|\d{1,3}[.、)）]\s*|[（(]\d{1,3}[)）]\s*|[①-⑳]\s*)")
_LABEL = re.compile(r"^([^\s，。：:,.;；!！?？「」“”\"()（）]{1,12}|[A-Za-z]+(?: [A-Za-z]+)?)\s*[：:]\s*")
_ACTION_LABELS = {
    "下一步",
    "接下来",
    "动作",
    "操作",
    "指令",
    "要求",
    "禁止",
    "next",
    "next step",
    "action",
    "actions",
    "instruction",
    "instructions",
    "todo",
}
_FACT_LABELS = {"事实", "结果", "fact", "facts", "result"}
_CN_CONNECTOR = re.compile(
    r"^(?:然后|并且|并|同时|另外|此外|接着|随后|最后|之后|再(?!次)|否则|那么|则|就|且|或者|或"
    r"|但是|但|不过|因此|所以|也|还|而|另)[，,、\s]*"
)
_EN_CONNECTOR = re.compile(
    r"^(?:and|also|but|so|however|otherwise|additionally|finally|instead|first|second|lastly)\b[,\s]*", re.I
)
_CN_SUBJECT = re.compile(r"^(?:你|您|模型|助手|AI)(?=[应可需必请务不别勿只仅先直])")
_EN_YOU = re.compile(r"^you\s+(?=[a-z])", re.I)

_FACT_AFTER_CALL = (
    r"(?!\s*[A-Za-z_$][\w$.]*\s*(?:未|失败|成功|超时|出错|异常|返回|结果|已|出现|报错|被|的结果))"
    r"(?!失败|成功|超时|出错|异常|结果)"
)
_CN_STRONG = r"请(?!求)|禁止|不要|不得|不许|不准|切勿|严禁|勿|务必|必须|一定要"
_CN_MARKER = re.compile(
    "^(?:" + _CN_STRONG + r"|别(?!名|的|人|处)|切忌|避免|无需|不必|不需要|需要(?!\s*[\d一二两三四五六七八九十几])|需先"
    r"|应当|应该|应(?=在|先|再|向|调用|引导|询问|提示|告知|告诉|展示|按|根据|以|优先|立即|尽快|直接|为|让|使用|保持|避免)"
    r"|可以|可(?=直接|先|再|在|向|调用|引导|询问|建议|提示|告知|告诉|展示|让|请|按|根据|改|换|继续|重新|为|帮)"
    r"|建议(?!价|零售)|引导|展示|调用" + _FACT_AFTER_CALL + r"|询问|告诉|告知|提示|提醒|直接|立即|马上|尽快|接下来|下一步"
    r"|只能|仅能|只需|仅需|(?:再次|重新)(?:调用|发起|检索|下单|询问|确认)|(?:为|向|给|让|帮)用户"
    r"|先(?!前|生|后)(?=[^。；]*(?:再|然后|之后)|调用|询问|告知|告诉|展示|引导|确认|请))"
)
_CN_STRONG_RE = re.compile("^(?:" + _CN_STRONG + ")")
_EN_STRONG = r"please|do\s+not|don'?t|don’t|never|must"
_EN_MARKER = re.compile(
    r"^(?:" + _EN_STRONG + r"|kindly|should|need\s+to|have\s+to|make\s+sure|be\s+sure|ensure|avoid|next|then"
    r"|call(?!\s+(?:failed|succeeded|was|is|has|had|returned|timed|to)\b)|show|display|render|present|ask|tell|inform"
    r"|let|use|guide|invite|suggest|recommend|offer|confirm|remind|prompt|reply|respond|explain|try|retry|wait|proceed"
    r"|continue|stop|refuse|send|direct|redirect|map|pass|include|keep|add|verify|select|choose|pick|go|mention|say"
    r"|answer|describe|summari[sz]e|provide|give|collect|notify|warn|follow|tap|click|enter|see|refer|can|may)\b",
    re.I,
)
_EN_STRONG_RE = re.compile(r"^(?:" + _EN_STRONG + r")\b", re.I)
_CN_OPENER = re.compile(
    r"^(?:如果|如需|若需|假如|倘若|一旦|万一|要是|若|如(?!下|图|此|今|何|同|实)|当(?!前|天|日|时|地|然|中|月|年))"
)
_CN_SUBJECT_COND = re.compile(r"^(?:用户|顾客|客户|您|你)")
_EN_OPENER = re.compile(r"^(?:if|when|once|unless|in\s+case|whenever|as\s+soon\s+as|after|before|should)\b", re.I)
_CN_COND_END = re.compile(
    r"(?<![实同及按准临小此暂定计超届平随适])(?:的话|之后|以后|时(?!间|段|长|刻|效)|前(?!往)|后(?!台|端)|则)[，,]?\s*"
)
_API_NAME = re.compile(r"\b[a-z]+[A-Z][A-Za-z0-9]*\b")
_CLAUSE = re.compile(r"[，,；]\s*|,\s+")
_LOOKAHEAD = 300  # rule 12 reads at most this many characters after a clause break


def _lead(text: str) -> tuple[str, str | None, bool]:
    """Rule 7: drop bullets, labels, connectors and a subject.

    Returns the rest, the verdict of an instruction/fact label if any, and whether a subject
    addressing the model ("you", 你, 您) was dropped.
    """
    s = text.strip()
    verdict: str | None = None
    addressed = False
    for _ in range(6):
        before = s
        s = _BULLET.sub("", s, count=1)
        m = _LABEL.match(s)
        if m and verdict is None and not s.lower().startswith(("http:", "https:")):
            label = m.group(1).strip().lower()
            if label in _ACTION_LABELS:
                verdict = "action"
            elif label in _FACT_LABELS:
                verdict = "fact"
            s = s[m.end() :]
        s = _CN_CONNECTOR.sub("", s, count=1)
        s = _EN_CONNECTOR.sub("", s, count=1)
        if _CN_SUBJECT.match(s) or _EN_YOU.match(s):
            s = _EN_YOU.sub("", _CN_SUBJECT.sub("", s, count=1), count=1)
            addressed = True
        s = s.lstrip()
        if s == before:
            break
    return s, verdict, addressed


def _marker(s: str, addressed: bool = False) -> str | None:
    """The imperative marker ``s`` starts with (rule 8); "can"/"may" count only after "you"."""
    m = _CN_MARKER.match(s) or _EN_MARKER.match(s)
    if not m:
        return None
    word = m.group(0)
    if word.lower() in ("can", "may") and not addressed:
        return None
    return word


def _consequence_is_action(rest: str) -> str | None:
    lead, _, addressed = _lead(rest)
    marker = _marker(lead, addressed)
    if marker:
        return f"conditional + {marker}"
    if _API_NAME.search(rest):
        return "conditional naming an API"
    return None


def _conditional(s: str) -> str | None:
    """Rules 9-10: a condition whose consequence is an instruction."""
    first_clause_end = _CLAUSE.search(s)
    clause_end = first_clause_end.start() if first_clause_end else len(s)
    opener = _CN_OPENER.match(s) or _EN_OPENER.match(s)
    subject = _CN_SUBJECT_COND.match(s)
    ends = [m for m in _CN_COND_END.finditer(s) if m.start() <= clause_end and m.start() > 0]
    if opener:
        cuts = [m.end() for m in ends]
        if first_clause_end:
            cuts.append(first_clause_end.end())
        then = re.search(r"\bthen\b\s*", s, re.I)
        if then:
            cuts.append(then.end())
        for cut in sorted(set(cuts)):
            why = _consequence_is_action(s[cut:])
            if why:
                return why
        for m in re.finditer("(?:" + _CN_STRONG + ")", s):  # 如需退款请到店处理
            if m.start() > opener.end():
                return f"conditional + {m.group(0)}"
        return None
    if subject and ends:
        for m in ends:
            why = _consequence_is_action(s[m.end() :])
            if why:
                return why
        return None
    for m in ends:
        if m.group(0).rstrip("，, ") in ("时", "的话", "则"):
            why = _consequence_is_action(s[m.end() :])
            if why:
                return why
            continue
        lead = _lead(s[m.end() :])[0]
        strong = _CN_STRONG_RE.match(lead) or _EN_STRONG_RE.match(lead)
        if strong:
            return f"condition + {strong.group(0)}"
    return None


def _classify(text: str) -> tuple[Kind, str]:
    s, verdict, addressed = _lead(text)
    if verdict == "action":
        return "action", "action label"
    if verdict == "fact":
        return "fact", "fact label"
    marker = _marker(s, addressed)
    if marker:
        return "action", f"starts with {marker}"
    why = _conditional(s)
    if why:
        return "action", why
    return "fact", "no instruction marker"


def classify(sentence: str) -> Kind:
    """The kind of one sentence (rules 7-11)."""
    return _classify(sentence)[0]


def _cut(text: str) -> int | None:
    """Rule 12: where a fact sentence turns into an instruction, if it does."""
    for m in _CLAUSE.finditer(text):
        rest = text[m.end() : m.end() + _LOOKAHEAD]
        if not rest.strip():
            return None
        lead = _lead(rest)[0]
        if _CN_STRONG_RE.match(lead) or _EN_STRONG_RE.match(lead) or _conditional(lead):
            return m.end()
    return None


def split_content(text: str) -> Split:
    """Split one content text into facts and actions (rules 1-13 of the module docstring)."""
    out: list[Sentence] = []
    for piece in sentences(text):
        kind, why = _classify(piece)
        if kind == "fact":
            cut = _cut(piece)
            if cut is not None:
                head, tail = piece[:cut].rstrip(), piece[cut:].strip()
                tail_kind, tail_why = _classify(tail)
                if tail_kind == "action":
                    out.append(Sentence(head, "fact", why))
                    out.append(Sentence(tail, "action", f"clause {tail_why}"))
                    continue
        out.append(Sentence(piece, kind, why))
    return _result(out)


def _result(items: list[Sentence]) -> Split:
    facts = [s.text for s in items if s.kind == "fact"]
    actions = [s.text for s in items if s.kind == "action"]
    seen_action = False
    violation = False
    for s in items:
        if s.kind == "action":
            seen_action = True
        elif seen_action:
            violation = True
    return Split(
        facts=facts,
        actions=actions,
        bare_instruction=bool(actions) and not facts,
        first_kind=items[0].kind if items else None,
        order_violation=violation,
        sentences=items,
    )


def split_result(content_blocks: Iterable[Any] | str | None) -> Split:
    """Split a result's ``content`` (text blocks; other blocks ignored) block by block, in order."""
    if content_blocks is None:
        return _result([])
    if isinstance(content_blocks, str):
        return split_content(content_blocks)
    items: list[Sentence] = []
    for block in content_blocks:
        if isinstance(block, dict) and block.get("type", "text") == "text" and isinstance(block.get("text"), str):
            items.extend(split_content(block["text"]).sentences)
        elif isinstance(block, str):
            items.extend(split_content(block).sentences)
    return _result(items)
