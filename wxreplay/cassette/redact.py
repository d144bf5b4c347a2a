"""Secret redaction for cassette entries: stable placeholders, consistent across a whole cassette.

Every secret is replaced by ``<redacted:{kind}#{n}>`` before anything is written. ``kind`` is the
canonical name of the field it was found under (``token``, ``code``, ``authorization``) and ``n``
counts per kind from 1 in order of first appearance. One ``Redactor`` per cassette keeps the table
value -> placeholder, so the same value gets the same placeholder everywhere, including inside other
strings: the token ``/api/login`` returned is the one ``Authorization: Bearer <redacted:token#1>``
later carries. Replayed responses hand the placeholders to the skill, so replayed requests carry
them back and still match.

Which names are secret (the exact rule)
---------------------------------------
A name is compared *normalised*: lower-cased with everything but ``a-z0-9`` removed, so
``access_token``, ``accessToken`` and ``Access-Token`` are one name and ``_openid`` is ``openid``.

1. ``ignore_fields`` wins: a name listed there is never secret.
2. A name in ``header_names``, ``field_names`` or ``extra_fields`` is secret whatever its value.
   Header names are secret as body fields too (and field names as headers): one table for all.
3. A name *ending* in one of ``secret_suffixes`` (``token``, ``secret``, ``key``: ``csrfToken``,
   ``client_secret``, ``aws_secret_access_key``) is secret only when its value looks secret: see
   :func:`looks_secret` (a random-looking token of 16+ characters). ``cacheKey: "menu:v2"`` stays.

The rule applies to JSON body fields at any depth, query parameter names, header names, host-call
args/outcome keys, and ``name=value`` pairs inside strings (``?access_token=...`` in a URL, form
bodies, ``prepay_id=...``).

What is replaced
----------------
- Under a secret name: any non-empty string; an integer/float with 6 or more digits (phone numbers,
  numeric codes). Small numbers, booleans, ``null`` and empty strings are kept: the example's
  service answers ``{"code": 0, ...}`` and the skill checks ``code === 0``; a placeholder there
  would change what the skill sees in replay. Lists and objects under a secret name are redacted
  element by element with the same kind (query values are lists).
- Structure is kept where it shows the data flow without the secret: ``Bearer <credential>`` keeps
  the auth scheme; cookies keep cookie names and attributes (``sid=<redacted:cookie#1>; Path=/``);
  ``name=value`` lists whose names are all secret keep the names (``prepay_id=<redacted:prepay_id#1>``).
- Everywhere else, every string value of 6+ characters already in the table is substituted where
  it appears as a whole token: not preceded or followed by an ASCII letter or digit (``Bearer X``,
  ``prepay_id=X``, ``/users/X``, ``用户X`` are found; ``X`` inside ``aX1`` is not). Numbers and shorter
  strings are never substituted inside other strings.
- A placeholder is never redacted, and a string under a secret name that already contains one is
  left as is: redaction is idempotent.
"""

from __future__ import annotations

import copy
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from wxreplay.errors import UsageError

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

DEFAULT_HEADER_NAMES: tuple[str, ...] = (
    "authorization",
    "cookie",
    "set-cookie",
    "x-api-key",
    "api-key",
    "x-auth-token",
    "proxy-authorization",
)
DEFAULT_FIELD_NAMES: tuple[str, ...] = (
    "code",
    "openid",
    "unionid",
    "session_key",
    "token",
    "access_token",
    "refresh_token",
    "appsecret",
    "secret",
    "sign",
    "paySign",
    "prepay_id",
    "package",
    "nonceStr",
    "api_key",
    "apikey",
    "password",
    "phoneNumber",
    "purePhoneNumber",
    # beyond the list: WeChat's code2Session parameter, signatures, PEM keys (spaces defeat rule 3)
    "js_code",
    "signature",
    "private_key",
)
DEFAULT_SECRET_SUFFIXES: tuple[str, ...] = ("token", "secret", "key")

PLACEHOLDER_RE = re.compile(r"<redacted:([A-Za-z0-9_.-]+)#(\d+)>")
_PLACEHOLDER_OR_REST = r"<redacted:[A-Za-z0-9_.-]+#\d+>"

MIN_SUBSTITUTED = 6  # table values shorter than this are not substituted inside other strings
MIN_SECRET_DIGITS = 6  # numbers under a secret name are replaced from this many digits on

_WORD_RE = re.compile(r"[A-Za-z0-9]+")
_TOKEN_CHARS_RE = re.compile(r"[A-Za-z0-9+/=_.~-]+")
_HEX_RE = re.compile(r"[0-9a-f]+|[0-9A-F]+")
_SEGMENT_RE = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
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
_QUERY_PAIR_RE = re.compile(r"(?P<pre>^|[?&])(?P<name>[A-Za-z_][\w.-]*)=(?P<val>" + _PLACEHOLDER_OR_REST + r"|[^&#\s\"'<>]+)")


def normalize_name(name: str) -> str:
    """``accessToken`` / ``access_token`` / ``Access-Token`` -> ``accesstoken`` (how names are compared)."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def is_placeholder(value: object) -> bool:
    """Whether ``value`` is exactly one ``<redacted:kind#n>`` placeholder."""
    return isinstance(value, str) and PLACEHOLDER_RE.fullmatch(value) is not None


def shannon_entropy(text: str) -> float:
    """Shannon entropy of ``text`` in bits per character (0 for an empty string)."""
    n = len(text)
    if not n:
        return 0.0
    return -sum(c / n * math.log2(c / n) for c in Counter(text).values())


def mean_segment_length(text: str) -> float:
    """Mean length of the words/number runs of ``text`` (``createOrder2024`` -> 5.0; random base64 -> ~1.9)."""
    segs = _SEGMENT_RE.findall(text)
    return sum(map(len, segs)) / len(segs) if segs else 0.0


def random_token_class(text: str, *, min_length: int) -> str | None:
    """``"hex"`` or ``"base64"`` when ``text`` looks like a random token, else ``None``.

    A random token: ``min_length`` or more characters from ``[A-Za-z0-9+/=_.~-]`` with a letter and a
    digit; then either hex with Shannon entropy >= 3.0 bits/char, or not word-shaped (mean length of
    its word/number segments < 3, random base64 gives ~1.9 and ``createOrder2024WithCoupon`` 4.9)
    with entropy >= min(4.5, 0.85 * log2(length)) bits/char (random base64 of 20 chars averages 4.0).
    """
    n = len(text)
    if n < min_length or _TOKEN_CHARS_RE.fullmatch(text) is None:
        return None
    if not (any(c.isdigit() for c in text) and any(c.isalpha() for c in text)):
        return None
    h = shannon_entropy(text)
    if _HEX_RE.fullmatch(text.strip("=")):
        return "hex" if h >= 3.0 else None
    if mean_segment_length(text) >= 3.0:
        return None
    return "base64" if h >= min(4.5, 0.85 * math.log2(n)) else None


def looks_secret(value: object) -> bool:
    """Rule 3's test for names ending in a secret suffix: a string that is a random token of 16+ characters."""
    return isinstance(value, str) and random_token_class(value, min_length=16) is not None


def _sanitize_kind(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name) or "secret"


def _str_tuple(value: Any, key: str) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable) or not all(isinstance(v, str) for v in value):
        raise UsageError(
            f"[tool.wxreplay.redact] {key} must be a list of strings, not {value!r}", hint=f'write {key} = ["name", ...]'
        )
    return tuple(value)


_MISSING = object()


@dataclass(frozen=True)
class RedactionRules:
    """Which header, field and parameter names carry secrets; see the module docstring for the exact rule."""

    header_names: tuple[str, ...] = DEFAULT_HEADER_NAMES
    field_names: tuple[str, ...] = DEFAULT_FIELD_NAMES
    extra_fields: tuple[str, ...] = ()
    ignore_fields: tuple[str, ...] = ()
    secret_suffixes: tuple[str, ...] = DEFAULT_SECRET_SUFFIXES

    @classmethod
    def from_config(cls, config: Mapping[str, Any] | None) -> RedactionRules:
        """Rules from plain config, as in pyproject's ``[tool.wxreplay.redact]`` (defaults merged in)."""
        return cls().merge(config or {})

    def merge(self, config: Mapping[str, Any]) -> RedactionRules:
        """New rules with ``config`` applied: ``extra_fields`` / ``ignore_fields`` add to these rules,
        ``header_names`` / ``field_names`` / ``secret_suffixes`` replace them."""
        valid = [f.name for f in fields(self)]
        changes: dict[str, tuple[str, ...]] = {}
        for key, value in config.items():
            if key not in valid:
                raise UsageError(
                    f"[tool.wxreplay.redact] has an unknown key {key!r} (valid: {', '.join(valid)})",
                    hint="add names to extra_fields, opt out with ignore_fields",
                )
            names = _str_tuple(value, key)
            if key in ("extra_fields", "ignore_fields"):
                names = tuple(dict.fromkeys((*getattr(self, key), *names)))
            changes[key] = names
        return replace(self, **changes)

    @cached_property
    def _kinds(self) -> dict[str, str]:
        kinds: dict[str, str] = {}
        for name in (*self.header_names, *self.field_names, *self.extra_fields):
            norm = normalize_name(name)
            if norm:
                kinds.setdefault(norm, _sanitize_kind(name.lower() if name in self.header_names else name))
        return kinds

    @cached_property
    def _ignored(self) -> frozenset[str]:
        return frozenset(normalize_name(n) for n in self.ignore_fields)

    @cached_property
    def _suffixes(self) -> tuple[str, ...]:
        return tuple(s for s in (normalize_name(x) for x in self.secret_suffixes) if s)

    def is_ignored(self, name: str) -> bool:
        """Whether ``name`` was opted out with ``ignore_fields``."""
        return normalize_name(name) in self._ignored

    def secret_kind(self, name: str, value: object = _MISSING) -> str | None:
        """The placeholder kind when ``name`` (holding ``value``) is secret, else ``None``.

        Without ``value``, only names secret whatever their value (rule 2) count.
        """
        norm = normalize_name(name)
        if not norm or norm in self._ignored:
            return None
        kind = self._kinds.get(norm)
        if kind is not None:
            return kind
        if value is not _MISSING and norm.endswith(self._suffixes) and looks_secret(value):
            return _sanitize_kind(name)
        return None


def rules_from_pyproject(path: str | Path = "pyproject.toml") -> RedactionRules:
    """Rules from ``[tool.wxreplay.redact]`` of a pyproject.toml; the defaults when the file or table is missing."""
    import tomllib

    p = Path(path)
    if not p.is_file():
        return RedactionRules()
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise UsageError(f"{p}: invalid TOML: {e}") from None
    section = data.get("tool", {}).get("wxreplay", {}).get("redact", {})
    if not isinstance(section, Mapping):
        raise UsageError(f"{p}: [tool.wxreplay.redact] must be a table")
    return RedactionRules.from_config(section)


class Redactor:
    """Redacts cassette entries with placeholders that stay stable across one cassette."""

    def __init__(self, rules: RedactionRules | None = None) -> None:
        self.rules = rules if rules is not None else RedactionRules()
        self._table: dict[str, str] = {}  # secret string -> placeholder
        self._numbers: dict[str, str] = {}  # repr of a secret number -> placeholder
        self._counters: dict[str, int] = {}
        # substitution index: table values (6+ chars) by their leading [A-Za-z0-9]+ word, longest first;
        # values that start with another character are few and searched for one by one
        self._by_word: dict[str, list[str]] = {}
        self._odd: list[str] = []
        self._learning = False

    # ------------------------------------------------------------------ public

    def redact(self, entry: dict[str, Any]) -> dict[str, Any]:
        """A redacted deep copy of one cassette entry; new secrets extend this cassette's table."""
        self._learn_from(entry)  # every secret of the entry first, so earlier fields see later ones
        out: dict[str, Any] = self._walk(entry, None)
        return out

    def redact_entries(self, entries: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """Redacted deep copies of a sequence of entries, learning from all of them before substituting."""
        items = list(entries)
        for e in items:
            self._learn_from(e)
        return [self._walk(e, None) for e in items]

    def seed(self, entries: Iterable[Any]) -> None:
        """Continue an existing cassette: count the placeholders already in ``entries`` so numbering goes on.

        The original values are gone from a written cassette; placeholders themselves are never redacted,
        so re-learning the numbering per kind is all that is needed.
        """
        for text in _strings(list(entries)):
            for m in PLACEHOLDER_RE.finditer(text):
                kind, n = m.group(1), int(m.group(2))
                if n > self._counters.get(kind, 0):
                    self._counters[kind] = n

    def is_redacted_field(self, name: str, value: object = _MISSING) -> bool:
        """Whether values under ``name`` are redacted (names ending in a secret suffix only with a secret-looking ``value``)."""
        return self.rules.secret_kind(name, value) is not None

    @property
    def table(self) -> dict[str, str]:
        """A copy of the learned table secret value -> placeholder (for diagnostics and tests)."""
        return dict(self._table)

    # ------------------------------------------------------------------ walking

    def _learn_from(self, entry: Any) -> None:
        self._learning = True
        try:
            self._walk(entry, None)
        finally:
            self._learning = False

    def _walk(self, obj: Any, kind: str | None) -> Any:
        if isinstance(obj, Mapping):
            out: dict[Any, Any] = {}
            for key, value in obj.items():
                child = self.rules.secret_kind(key, value) if isinstance(key, str) else None
                out[key] = self._walk(value, child or kind)
            return out
        if isinstance(obj, (list, tuple)):
            items = [self._walk(x, kind) for x in obj]
            return items if isinstance(obj, list) else tuple(items)
        if isinstance(obj, str):
            return self._secret_string(obj, kind) if kind else self._text(obj)
        if isinstance(obj, bool) or obj is None:
            return obj
        if isinstance(obj, (int, float)):
            if kind and sum(c.isdigit() for c in repr(obj)) >= MIN_SECRET_DIGITS:
                key = repr(obj)
                if key not in self._numbers:
                    self._numbers[key] = self._new(kind)
                return self._numbers[key]
            return obj
        return copy.deepcopy(obj)

    def _new(self, kind: str) -> str:
        n = self._counters.get(kind, 0) + 1
        self._counters[kind] = n
        return f"<redacted:{kind}#{n}>"

    def _learn(self, value: str, kind: str) -> str:
        ph = self._table.get(value)
        if ph is None:
            ph = self._table[value] = self._new(kind)
            if len(value) >= MIN_SUBSTITUTED:
                word = _WORD_RE.match(value)
                bucket = self._by_word.setdefault(word.group(0), []) if word else self._odd
                bucket.append(value)
                bucket.sort(key=len, reverse=True)
        return ph

    def _secret_string(self, s: str, kind: str) -> str:
        if not s or PLACEHOLDER_RE.search(s):
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

    def _text(self, s: str) -> str:
        if "=" in s:
            s = _QUERY_PAIR_RE.sub(self._query_pair, s)
        if self._learning or not self._table:
            return s
        pieces = PLACEHOLDER_RE.split(s)
        if len(pieces) == 1:
            return self._substitute(s)
        # split() interleaves (text, kind, n) groups: rebuild, substituting only outside placeholders
        out: list[str] = []
        for i in range(0, len(pieces), 3):
            out.append(self._substitute(pieces[i]))
            if i + 2 < len(pieces):
                out.append(f"<redacted:{pieces[i + 1]}#{pieces[i + 2]}>")
        return "".join(out)

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
