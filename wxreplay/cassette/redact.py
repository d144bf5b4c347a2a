"""Secret redaction: stable placeholders, consistent across a cassette and across a run.

Every secret is replaced by ``<redacted:{kind}#{n}>`` before anything is written. ``kind`` is the
canonical name of the field it was found under (``token``, ``code``, ``authorization``) or the shape
it has (``jwt``, ``phone-number``), and ``n`` counts per kind from 1 in order of first appearance. One
``Redactor`` per cassette keeps the table value -> placeholder, so the same value gets the same
placeholder everywhere, including inside other strings: the token ``/api/login`` returned is the one
``Authorization: Bearer <redacted:token#1>`` later carries. Replayed responses hand the placeholders
to the skill, so replayed requests carry them back and still match. What is secret is decided by
the one rule set of :mod:`wxreplay.cassette.rules` (the scanner asks the same rules).

What is replaced
----------------
- Under a secret name: any non-empty string; an integer/float with 6 or more digits (phone numbers,
  numeric codes). Small numbers, booleans, ``null`` and empty strings are kept: the example's
  service answers ``{"code": 0, ...}`` and the skill checks ``code === 0``; a placeholder there
  would change what the skill sees in replay. Lists and objects under a secret name are redacted
  element by element with the same kind (query values are lists).
- Under any name: the value shapes and random-looking tokens of the rules, inside any text (URL
  paths excepted: only a URL's query values are looked at), and ``name=value`` pairs whose name is
  secret (``?access_token=...`` in a URL, form bodies, ``prepay_id=...``).
- An integer is redacted like the string of its decimal text: ``{"tel": 13812345678}`` (a phone,
  ID or bank card number written as a JSON number) gets the placeholder ``"13812345678"`` gets, and
  a number already known as a secret is masked under any name. Other numbers stay numbers.
- Structure is kept where it shows the data flow without the secret: ``Bearer <credential>`` keeps
  the auth scheme; cookies keep cookie names and attributes (``sid=<redacted:cookie#1>; Path=/``);
  ``name=value`` lists whose names are all secret keep the names (``prepay_id=<redacted:prepay_id#1>``).
- Everywhere else, every string value of 6+ characters already in the table is substituted where
  it appears as a whole token: not preceded or followed by an ASCII letter or digit (``Bearer X``,
  ``prepay_id=X``, ``/users/X``, ``用户X`` are found; ``X`` inside ``aX1`` is not).
- Mapping keys are texts under the enclosing name: a key that is a secret shape, a random token or
  a known secret (``{"13812345678": {...}}``) becomes its placeholder, the same one the value gets
  elsewhere; a secret-named object keeps its field names (``{"password": {"minLength": 8}}``).
- Origin: the ``code`` of a ``wx.login`` (or ``wx.getPhoneNumber``) outcome is learned whatever its
  shape, so it is masked wherever it travels next.
- A placeholder (``<redacted:kind#n>``, or a transcript's ``<session#1>``) is never redacted, and a
  string under a secret name that already contains one is left as is: redaction is idempotent.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from wxreplay.cassette.rules import (
    DEFAULT_FIELD_NAMES,
    DEFAULT_HEADER_NAMES,
    DEFAULT_RULES,
    DEFAULT_SECRET_SUFFIXES,
    PLACEHOLDER_OR_REST,
    PLACEHOLDER_RE,
    PROVENANCE,
    RedactionRules,
    is_placeholder,
    looks_secret,
    normalize_name,
    rules_from_pyproject,
    shannon_entropy,
    url_query_values,
)

__all__ = [
    "DEFAULT_FIELD_NAMES",
    "DEFAULT_HEADER_NAMES",
    "DEFAULT_SECRET_SUFFIXES",
    "PLACEHOLDER_RE",
    "RedactionRules",
    "Redactor",
    "is_placeholder",
    "looks_secret",
    "normalize_name",
    "rules_from_pyproject",
    "shannon_entropy",
]

MIN_SUBSTITUTED = 6  # table values shorter than this are not substituted inside other strings
MIN_SECRET_DIGITS = 6  # numbers under a secret name are replaced from this many digits on

_WORD_RE = re.compile(r"[A-Za-z0-9]+")
_RUN_RE = re.compile(r"[A-Za-z0-9+/=_.~-]{20,}")
# ``"name": "value"`` in JSON text (a value without escapes; others are left to the shapes)
_JSON_PAIR_RE = re.compile(r'(?P<head>"(?P<name>[^"\\]{1,80})"\s*:\s*")(?P<val>[^"\\]*)"')
# any mask: a redaction placeholder, or a transcript's volatile value (``<session#1>``, ``<orderId>``)
_MASK_RE = re.compile(r"<[^<>\s]{1,80}>")
_AUTH_SCHEME_RE = re.compile(
    r"(?P<scheme>Bearer|Basic|Token|Digest|Negotiate|OAuth|MAC|Hawk|AWS4-HMAC-SHA256|WECHATPAY2-[A-Z0-9-]+)"
    r"(?P<space>\s+)(?P<cred>\S.*)\Z",
    re.IGNORECASE | re.DOTALL,
)
_PAIR_NAME_RE = re.compile(r"[A-Za-z0-9_.$!#%*+^`|~-]+")
_COOKIE_KINDS = frozenset({"cookie", "setcookie", "cookies"})
_COOKIE_ATTRIBUTES = frozenset(
    {"path", "domain", "expires", "maxage", "samesite", "secure", "httponly", "priority", "partitioned", "version", "comment"}
)
# ``name=value`` at the start of a string or after ``?``/``&`` (URLs, form bodies, ``prepay_id=...``)
_QUERY_PAIR_RE = re.compile(r"(?P<pre>^|[?&])(?P<name>[A-Za-z_][\w.-]*)=(?P<val>" + PLACEHOLDER_OR_REST + r"|[^&#\s\"'<>]+)")


_MISSING = object()

#: Texts up to this long share their secret spans across the redactors of a process (see _shared_spans).
SHARED_SPAN_CHARS = 500
_SHARED_SPANS: dict[RedactionRules, dict[str, list[tuple[int, int, str]]]] = {}


def _shared_spans(rules: RedactionRules) -> dict[str, list[tuple[int, int, str]]]:
    """The secret spans found so far in short texts under ``rules``, for every redactor of the process.

    Where the shapes and random tokens of a text lie is a function of the text, its name and the rules
    alone (never of what a redactor has learned): a run's snapshots and cassettes repeat their labels,
    units and field values, and each masking starts a fresh redactor. Rules compare by value.
    """
    found = _SHARED_SPANS.get(rules)
    if found is None:
        if len(_SHARED_SPANS) >= 8:  # a process that keeps changing its rules (tests): start over
            _SHARED_SPANS.clear()
        found = _SHARED_SPANS[rules] = {}
    return found


def _placeholder_number(digits: str) -> int:
    """The number of a placeholder, for numbering new ones after it; 0 for one wxreplay never writes.

    wxreplay's numbers stay far below 18 digits; a longer one (a hand-edited or hostile cassette)
    counts for nothing rather than hitting Python's int/str digit limit (a traceback, not an error).
    """
    return int(digits) if len(digits) <= 18 else 0


class Redactor:
    """Redacts entries (or any plain data) with placeholders that stay stable across one cassette or run."""

    def __init__(self, rules: RedactionRules | None = None) -> None:
        self.rules = rules if rules is not None else DEFAULT_RULES
        self._table: dict[str, str] = {}  # secret string -> placeholder
        self._numbers: dict[str, str] = {}  # repr of a secret number -> placeholder
        self._counters: dict[str, int] = {}
        # substitution index: table values (6+ chars) by their leading [A-Za-z0-9]+ word, longest first;
        # values that start with another character are few and searched for one by one
        self._by_word: dict[str, list[str]] = {}
        self._odd: list[str] = []
        self._learning = False
        # secret shapes found while learning, learned after the names (see _learn_from), and the
        # spans found per text, so the output pass does not search again
        self._pending: list[tuple[str, str]] = []
        self._spans: dict[str, list[tuple[int, int, str]]] = {}  # of longer texts, this redactor's own
        self._short_spans = _shared_spans(self.rules)
        self._texts: dict[tuple[str | None, str], str] = {}  # (name, text) -> redacted, for the current table
        self._quiet_keys: set[tuple[str | None, str]] = set()  # (name, key) of keys with no secret of their own
        self._listeners: list[Any] = []

    # ------------------------------------------------------------------ public

    def redact(self, entry: Any) -> Any:
        """A redacted deep copy of one cassette entry (or any plain data); new secrets extend the table."""
        self._learn_from(entry)  # every secret of the entry first, so earlier fields see later ones
        if self._knows_nothing():
            return _copy(entry)
        return self._walk(entry, None, None)

    def redact_entries(self, entries: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """Redacted deep copies of a sequence of entries, learning from all of them before substituting."""
        items = list(entries)
        self._learn_from(items)
        if self._knows_nothing():
            return [_copy(e) for e in items]
        return [self._walk(e, None, None) for e in items]

    def _knows_nothing(self) -> bool:
        """Whether the table is empty after learning: then substituting would copy the data unchanged.

        Every change the substituting walk makes is a placeholder from the table, and every secret it
        could meet was learned first (names, origins, shapes, random tokens, secret numbers, pairs):
        with nothing known, nothing is replaced, so :func:`_copy` gives the same data without the walk
        (most cassettes and snapshots of a run without secrets; the walk was a third of the masking).
        """
        return not self._table and not self._numbers

    def learn(self, data: Any) -> None:
        """Learn the secrets of ``data`` (placeholders assigned now, in order) without copying it."""
        self._learn_from(data)

    def redact_text(self, text: str) -> str:
        """``text`` with every known secret, every secret-shaped part and every value of a secret-named
        ``"name": "value"`` / ``name=value`` pair replaced (for printed lines: JSON shown in ``-v`` output)."""
        if '":' in text:
            text = _JSON_PAIR_RE.sub(self._json_pair, text)
        self._learn_from(text)
        return self._text(text, None)

    def _json_pair(self, m: re.Match[str]) -> str:
        kind = self.rules.secret_kind(m.group("name"), m.group("val"))
        if kind is None or not m.group("val") or PLACEHOLDER_RE.search(m.group("val")):
            return m.group(0)
        return m.group("head") + self._secret_string(m.group("val"), kind) + '"'

    def seed(self, entries: Iterable[Any]) -> None:
        """Continue an existing cassette: count the placeholders already in ``entries`` so numbering goes on.

        The original values are gone from a written cassette; placeholders themselves are never redacted,
        so re-learning the numbering per kind is all that is needed.
        """
        for m in PLACEHOLDER_RE.finditer(_placeholder_text(list(entries))):
            kind, n = m.group(1), _placeholder_number(m.group(2))
            if n > self._counters.get(kind, 0):
                self._counters[kind] = n

    def adopt(self, mapping: Mapping[str, str], *, count: bool = True) -> None:
        """Take ``secret -> placeholder`` pairs another redactor learned (the run's table, an aligned recording).

        A secret already known keeps its placeholder. With ``count``, new placeholders are numbered
        after the adopted ones.
        """
        for value, placeholder in mapping.items():
            if value in self._table or value in self._numbers:
                continue
            self._add(value, placeholder)
            m = PLACEHOLDER_RE.fullmatch(placeholder)
            if count and m and _placeholder_number(m.group(2)) > self._counters.get(m.group(1), 0):
                self._counters[m.group(1)] = _placeholder_number(m.group(2))

    def align(self, live: Any, recorded: Any) -> dict[str, str]:
        """Learn ``live value -> placeholder`` wherever the matched ``recorded`` data holds a placeholder.

        Replay hands the skill the recording's placeholders, but a live request may still carry a
        real secret (an API key of the skill's own configuration): aligned with the recording, it is
        masked with the very placeholder the cassette (and its snapshot) shows.
        """
        found: dict[str, str] = {}
        _align(live, recorded, found)
        self.adopt(found)
        return found

    def on_learn(self, listener: Any) -> None:
        """Call ``listener(secret, placeholder)`` for every secret this redactor learns from now on."""
        self._listeners.append(listener)

    def is_redacted_field(self, name: str, value: object = _MISSING) -> bool:
        """Whether values under ``name`` are redacted (names ending in a secret suffix only with a secret-looking ``value``)."""
        return self.rules.secret_kind(name, value) is not None

    @property
    def table(self) -> dict[str, str]:
        """A copy of the learned table secret value -> placeholder, numbers by their text (for masking output)."""
        return {**self._table, **self._numbers}

    # ------------------------------------------------------------------ walking

    def _learn_from(self, entry: Any) -> None:
        # secrets by name and origin first, then the shapes found in texts on the way, so a value also
        # found by its shape (a token quoted in a text before the field that names it) gets its name's kind
        try:
            self._learning = True
            self._walk(entry, None, None)
        finally:
            self._learning = False
        for value, kind in self._pending:
            if value not in self._table and self._substitute(value) != value:
                continue  # a span around a known secret (``t=<token>``): the secret is masked on its own
            self._learn(value, kind)
        self._pending.clear()
        if len(self._spans) + len(self._short_spans) > 50_000:  # a long run: forget texts seen long ago
            self._spans.clear()
            self._short_spans.clear()
            self._texts.clear()
            self._quiet_keys.clear()

    def _walk(self, obj: Any, kind: str | None, name: str | None) -> Any:
        t = type(obj)
        if t is str:  # the common cases first, by exact type
            if kind and not self.rules.is_allowed(name):
                return self._secret_string(obj, kind)
            if self._learning:
                return self._text(obj, name)
            # texts repeat (headers, units, labels): redacted once while the table stays the same
            seen = (name, obj)
            done = self._texts.get(seen)
            if done is None:
                done = self._texts[seen] = self._text(obj, name)
            return done
        if obj is None or t is bool:
            return obj
        if t is int:  # before the Mapping check below: an ABC check per number was a tenth of a snapshot's masking
            return self._int(obj, kind, name)
        if t is dict or isinstance(obj, Mapping):
            if self._learning and ("outcome" in obj):
                self._provenance(obj)
            secret_kind = self.rules.secret_kind
            short = MIN_SUBSTITUTED if not self.rules.value_patterns else 0  # keys shorter than this stay (see _key)
            if self._learning:  # nothing is copied while learning: the result is not used
                quiet = self._quiet_keys
                for key, value in obj.items():
                    if type(key) is str:
                        if (len(key) >= short or "=" in key) and (name, key) not in quiet:
                            self._key(key, name)
                        self._walk(value, secret_kind(key, value) or kind, key)
                    else:
                        self._walk(value, kind, name)
                return obj
            out: dict[Any, Any] = {}
            texts = self._texts
            for key, value in obj.items():
                if type(key) is str:
                    # the common cases of _key inline: a short key, a key redacted before
                    new_key = key if len(key) < short and "=" not in key else texts.get((name, key)) or self._key(key, name)
                    out[new_key] = self._walk(value, secret_kind(key, value) or kind, key)
                else:
                    out[key] = self._walk(value, kind, name)
            return out
        if isinstance(obj, (list, tuple)):
            if self._learning:
                for x in obj:
                    self._walk(x, kind, name)
                return obj
            items = [self._walk(x, kind, name) for x in obj]
            return items if isinstance(obj, list) else tuple(items)
        if isinstance(obj, str):
            if kind and not self.rules.is_allowed(name):
                return self._secret_string(obj, kind)
            return self._text(obj, name)
        if isinstance(obj, bool) or obj is None:
            return obj
        if isinstance(obj, int):
            return self._int(obj, kind, name)
        if isinstance(obj, float):
            key = repr(obj)
            known = self._numbers.get(key)
            if known is not None:
                return known
            if kind and sum(c.isdigit() for c in key) >= MIN_SECRET_DIGITS:
                self._numbers[key] = self._new(kind)
                self._notify(key, self._numbers[key])
                return self._numbers[key]
            return obj
        return copy.deepcopy(obj)

    def _int(self, obj: int, kind: str | None, name: str | None) -> Any:
        """An integer, redacted like the string of its decimal text: the same placeholder as that string.

        Under a secret name it is replaced from :data:`MIN_SECRET_DIGITS` digits on; under any name
        when its text is a known secret or holds a secret shape (a phone, ID or bank card number
        written as a JSON number). Other numbers (prices, counts, timestamps) are kept.
        """
        text = str(obj)
        known = self._table.get(text) or self._numbers.get(text)
        if known is not None:
            return known
        if kind and len(text.lstrip("-")) >= MIN_SECRET_DIGITS:
            # not substituted inside other strings (``order 91234567``), unlike a secret string: kept apart
            known = self._numbers[text] = self._new(kind)
            self._notify(text, known)
            return known
        if len(text) < 11 and not self.rules.value_patterns:
            return obj  # too short for any built-in shape
        if self.rules.is_allowed(name) or not self.rules.shapes(text):
            return obj
        if self._learning:
            self._text(text, name)  # the shapes are learned after the names, as for strings
            return obj
        done = self._text(text, name)
        return obj if done == text else done

    def _key(self, key: str, name: str | None) -> str:
        """A mapping key, redacted as a text under the enclosing ``name`` (never by that name's kind: a
        secret-named object keeps its field names): secret shapes, random tokens and known secrets."""
        if len(key) < MIN_SUBSTITUTED and "=" not in key and not self.rules.value_patterns:
            return key  # too short for any shape, random token or substituted secret
        seen = (name, key)
        if self._learning:
            # keys repeat in every entry: one with nothing to learn (no shape, random token, pair or
            # placeholder) is judged once; only a known secret inside it can change it later
            if seen not in self._quiet_keys:
                if "=" in key or "<" in key or self.rules.shapes(key) or (len(key) >= 20 and self._random_spans(key, name, [])):
                    self._text(key, name)
                else:
                    self._quiet_keys.add(seen)
            return key
        done = self._texts.get(seen)
        if done is None:
            done = self._texts[seen] = self._text(key, name)
        return done

    def _provenance(self, obj: Mapping[str, Any]) -> None:
        """A host call whose outcome carries a secret by origin (``wx.login``'s ``code``): learn it."""
        call = obj.get("call")
        name = call.get("name") if isinstance(call, Mapping) else obj.get("name")
        secret_fields = PROVENANCE.get(name) if isinstance(name, str) else None
        outcome = obj.get("outcome")
        if not secret_fields or not isinstance(outcome, Mapping):
            return
        value = outcome.get("value", outcome)
        if isinstance(value, Mapping):
            for f in secret_fields:
                if isinstance(value.get(f), str) and value[f] and _MASK_RE.fullmatch(value[f]) is None:
                    self._learn(value[f], f)

    def _new(self, kind: str) -> str:
        n = self._counters.get(kind, 0) + 1
        self._counters[kind] = n
        return f"<redacted:{kind}#{n}>"

    def _add(self, value: str, placeholder: str) -> None:
        if value in self._table:
            return
        self._table[value] = placeholder
        self._texts.clear()  # a new secret may appear in any text redacted so far
        if len(value) >= MIN_SUBSTITUTED:
            word = _WORD_RE.match(value)
            bucket = self._by_word.setdefault(word.group(0), []) if word else self._odd
            bucket.append(value)
            bucket.sort(key=len, reverse=True)
        self._notify(value, placeholder)

    def _notify(self, value: str, placeholder: str) -> None:
        for listener in self._listeners:
            listener(value, placeholder)

    def _learn(self, value: str, kind: str) -> str:
        ph = self._table.get(value)
        if ph is None:
            ph = self._numbers.get(value) or self._new(kind)  # a secret number's text: its placeholder
            self._add(value, ph)
        return ph

    def _secret_string(self, s: str, kind: str) -> str:
        if not s or PLACEHOLDER_RE.search(s) or _MASK_RE.fullmatch(s):
            return s
        known = self._table.get(s)
        if known is not None:
            return known
        m = _AUTH_SCHEME_RE.match(s)
        if m:
            return m.group("scheme") + m.group("space") + self._secret_string(m.group("cred"), kind)
        pairs = self._pairs(s, kind)
        if pairs is not None:
            return pairs
        return self._learn(s, kind)

    def _pairs(self, s: str, kind: str) -> str | None:
        """``sid=abc; Path=/`` (cookies) or ``prepay_id=wx..`` (all names secret) with names kept, else None."""
        cookie = normalize_name(kind) in _COOKIE_KINDS
        parts = re.split(r"(;\s*)", s) if cookie else re.split(r"(&)", s)
        out: list[str] = []
        seen_pair = False
        for i, part in enumerate(parts):
            if i % 2:  # separator
                out.append(part)
                continue
            name, eq, value = part.partition("=")
            bare = name.strip()
            if not eq:
                if cookie and i and normalize_name(bare) in _COOKIE_ATTRIBUTES:
                    out.append(part)
                    continue
                return None
            if _PAIR_NAME_RE.fullmatch(bare) is None or value.startswith("="):
                return None
            if cookie and i and normalize_name(bare) in _COOKIE_ATTRIBUTES:
                out.append(part)
                continue
            name_kind = self.rules.secret_kind(bare, value)
            if not cookie and name_kind is None:
                return None
            seen_pair = True
            out.append(name + eq + self._secret_string(value, name_kind or kind) if value else part)
        return "".join(out) if seen_pair else None

    def _text(self, s: str, name: str | None) -> str:
        if "=" in s:
            s = _QUERY_PAIR_RE.sub(self._query_pair, s)
        if "<redacted:" not in s:  # most texts: no placeholder to work around (PLACEHOLDER_RE starts so)
            return self._plain(s, name)
        pieces = PLACEHOLDER_RE.split(s)
        if len(pieces) == 1:
            return self._plain(s, name)
        # split() interleaves (text, kind, n) groups: rebuild, working only outside placeholders
        out: list[str] = []
        for i in range(0, len(pieces), 3):
            out.append(self._plain(pieces[i], name))
            if i + 2 < len(pieces):
                out.append(f"<redacted:{pieces[i + 1]}#{pieces[i + 2]}>")
        return "".join(out)

    def _plain(self, s: str, name: str | None) -> str:
        """A text without placeholders: secret shapes and random tokens replaced, then known secrets."""
        if not s or self.rules.is_allowed(name):
            return s if self._learning or not self._table else self._substitute(s)
        key = s if name is None else f"{name}\x00{s}"
        span_memo = self._short_spans if len(s) <= SHARED_SPAN_CHARS else self._spans
        spans = span_memo.get(key)
        if spans is None:
            spans = self.rules.shapes(s)
            if len(s) >= 20:
                spans = sorted([*spans, *self._random_spans(s, name, spans)])
            span_memo[key] = spans
        if self._learning:
            if spans:
                self._pending.extend((s[a:b], kind) for a, b, kind in spans)
            return s
        if self._table:  # known secrets first: a span found around one must not hide it
            known = self._substitute(s)
            if known != s:
                return self._text(known, name)
        if spans:
            out: list[str] = []
            pos = 0
            for a, b, kind in spans:
                if a < pos:
                    continue
                out += (s[pos:a], self._learn(s[a:b], kind))
                pos = b
            out.append(s[pos:])
            s = "".join(out)
        return s

    def _random_spans(self, s: str, name: str | None, taken: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
        """Random-looking tokens of ``s`` (URLs: only their query values, under the parameter's name)."""
        candidates: list[tuple[int, str, str | None]] = []
        blanked = s
        if "://" in s:
            candidates, chars = url_query_values(s)
            blanked = "".join(chars)
        candidates.extend((m.start(), m.group(0), name) for m in _RUN_RE.finditer(blanked))
        out: list[tuple[int, int, str]] = []
        for start, token, under in candidates:
            hit = self.rules.high_entropy(token, under)
            if hit is not None:
                a = start + hit[0]
                b = a + hit[1]
                if not any(x < b and a < y for x, y, _ in taken):
                    out.append((a, b, "random-token"))
        return out

    def _substitute(self, s: str) -> str:
        """Replace every known secret that appears in ``s`` as a whole token (no ASCII letter/digit either side)."""
        for value in self._odd:
            if value in s:
                s = re.sub(rf"(?<![A-Za-z0-9]){re.escape(value)}(?![A-Za-z0-9])", self._table[value], s)
        out: list[str] = []
        pos = 0
        for m in _WORD_RE.finditer(s):
            start = m.start()
            candidates = self._by_word.get(m.group(0))
            if start < pos or not candidates:  # runs are maximal: the character before one is never [A-Za-z0-9]
                continue
            for value in candidates:
                end = start + len(value)
                if s.startswith(value, start) and not (end < len(s) and s[end].isascii() and s[end].isalnum()):
                    out += (s[pos:start], self._table[value])
                    pos = end
                    break
        if not out:
            return s
        out.append(s[pos:])
        return "".join(out)

    def _query_pair(self, m: re.Match[str]) -> str:
        val = m.group("val")
        kind = self.rules.secret_kind(m.group("name"), val)
        if kind is None or PLACEHOLDER_RE.search(val):
            return m.group(0)
        return m.group("pre") + m.group("name") + "=" + self._secret_string(val, kind)


def _copy(obj: Any) -> Any:
    """The copy the substituting walk makes of data with nothing to replace: the same containers it builds."""
    t = type(obj)
    if t is str or t is int or t is float or obj is None or t is bool:
        return obj
    if t is dict or isinstance(obj, Mapping):
        return {k: _copy(v) for k, v in obj.items()}
    if t is list:
        return [_copy(x) for x in obj]
    if isinstance(obj, (list, tuple)):
        items = [_copy(x) for x in obj]
        return items if isinstance(obj, list) else tuple(items)
    if isinstance(obj, (str, int, float)):  # subclasses (an IntEnum, a str label): kept as the walk keeps them
        return obj
    return copy.deepcopy(obj)


def _align(live: Any, recorded: Any, found: dict[str, str]) -> None:
    if isinstance(recorded, str) and isinstance(live, str):
        if recorded == live or "<redacted:" not in recorded:
            return
        if is_placeholder(recorded):
            found.setdefault(live, recorded)
            return
        # a string with placeholders inside (a URL, ``Bearer <...>``): the rest must match literally
        parts = PLACEHOLDER_RE.split(recorded)
        pattern = "".join(re.escape(p) if i % 3 == 0 else ("(.+?)" if i % 3 == 1 else "") for i, p in enumerate(parts))
        m = re.fullmatch(pattern, live, re.DOTALL)
        if m:
            names = [m2.group(0) for m2 in PLACEHOLDER_RE.finditer(recorded)]
            for value, placeholder in zip(m.groups(), names, strict=True):
                found.setdefault(value, placeholder)
    elif isinstance(recorded, str) and isinstance(live, (int, float)) and not isinstance(live, bool):
        if is_placeholder(recorded):
            found.setdefault(repr(live), recorded)
    elif isinstance(recorded, Mapping) and isinstance(live, Mapping):
        # keys redacted in the recording pair, in order, with the live keys the recording lacks
        left = [k for k in live if k not in recorded]
        for k, v in recorded.items():
            if k in live:
                _align(live[k], v, found)
            elif left and isinstance(k, str) and "<redacted:" in k and isinstance(left[0], str):
                other = left.pop(0)
                _align(other, k, found)
                _align(live[other], v, found)
    elif isinstance(recorded, (list, tuple)) and isinstance(live, (list, tuple)) and len(recorded) == len(live):
        for a, b in zip(live, recorded, strict=True):
            _align(a, b, found)


def _placeholder_text(data: Any) -> str:
    """A text holding every placeholder of the strings (keys included) of plain ``data``, and no other.

    One JSON encoding (C speed) instead of a walk in Python: a cassette and a snapshot are seeded
    once each per scenario. A placeholder cannot straddle two JSON strings or hold an escape (its
    characters include neither ``"`` nor ``\\``, and only those and control characters are
    escaped), so the placeholders found in the encoding are exactly those of the strings. Data
    JSON cannot encode (a tuple key, a cycle, a huge integer) is walked in Python instead.
    """
    try:
        return json.dumps(data, ensure_ascii=False, default=_seed_default)
    except (TypeError, ValueError):
        return "\n".join(_strings(data))


def _seed_default(obj: Any) -> Any:
    # what _strings walks besides JSON's own types: other mappings; anything else holds no string it reads
    return dict(obj.items()) if isinstance(obj, Mapping) else None


def _strings(obj: Any) -> Iterable[str]:
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, Mapping):
        for k, v in obj.items():
            yield from _strings(k)
            yield from _strings(v)
    elif isinstance(obj, (list, tuple)):
        for x in obj:
            yield from _strings(x)
