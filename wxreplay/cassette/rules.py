"""The one rule set of secrets: which names, value shapes and origins make a value secret.

The redactor (:mod:`wxreplay.cassette.redact`) and the scanner (:mod:`wxreplay.cassette.scan`) both
ask these rules, so whatever the scanner would flag the redactor redacts at record time.

Which names are secret (the exact rule)
---------------------------------------
A name is compared *normalised*: lower-cased with everything but ``a-z0-9`` removed, so
``access_token``, ``accessToken`` and ``Access-Token`` are one name and ``_openid`` is ``openid``.
Query values are lists: the rules look at their items.

1. ``ignore_fields`` wins: a name listed there is never secret (nor are :data:`ALLOWED_NAMES`).
2. A name in ``header_names``, ``field_names`` or ``extra_fields``, or *ending* in one of
   ``name_suffixes`` (``X-WX-Openid``, ``X-Signature``, ``contactMobile``), is secret whatever its
   value. Header names are secret as body fields too (and field names as headers): one table for all.
3. A name *ending* in one of ``secret_suffixes`` (``token``, ``secret``, ``key``, ``code``:
   ``csrfToken``, ``aws_secret_access_key``, ``code``) is secret only when its value looks secret:
   see :func:`looks_secret` (a random-looking token of 16+ characters). ``cacheKey: "menu:v2"`` and a
   third-party ``"code": "200"`` stay.
4. Origin: the ``code`` a ``wx.login`` / ``wx.getPhoneNumber`` call returns is secret whatever its
   shape (:data:`PROVENANCE`), and so is that value wherever it travels next.

Value shapes (under any name, inside any text, in mapping keys)
---------------------------------------------------------------
The shapes of :mod:`wxreplay.cassette.shapes` (JWT, PEM, cloud/API keys, bearer credentials,
passwords in URLs and free text, phone, ID and bank card numbers), the regular expressions of
``value_patterns``, and random-looking tokens of 20+ characters (:meth:`RedactionRules.high_entropy`)
outside URLs (URL query values count) and outside :data:`ALLOWED_NAMES`. A mapping key is judged
as a text under the enclosing name (``{"13812345678": {...}}`` is a phone number).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from wxreplay.cassette.shapes import find_shapes
from wxreplay.errors import UsageError

__all__ = [
    "ALLOWED_NAMES",
    "CONFIG_KEYS_HINT",
    "DEFAULT_FIELD_NAMES",
    "DEFAULT_HEADER_NAMES",
    "DEFAULT_NAME_SUFFIXES",
    "DEFAULT_SECRET_SUFFIXES",
    "PLACEHOLDER_RE",
    "PROVENANCE",
    "RedactionRules",
    "is_placeholder",
    "looks_secret",
    "mixed_case_run",
    "normalize_name",
    "random_token_class",
    "rules_from_pyproject",
    "shannon_entropy",
]

ALLOWED_NAMES: tuple[str, ...] = (
    "_id",
    "requestID",
    "request_id",
    "x-request-id",
    "traceId",
    "trace_id",
    "etag",
    "md5",
    "sha1",
    "sha256",
    "checksum",
    "hash",
)
# What an error about a secret left in an output tells the user to change.
CONFIG_KEYS_HINT = (
    "[tool.wxreplay.redact] in pyproject.toml: add the field to extra_fields (or a regular expression of the value "
    "to value_patterns) to redact it, or list it in ignore_fields if it is no secret"
)

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
    "openid",
    "unionid",
    "session_key",
    "token",
    "access_token",
    "refresh_token",
    "id_token",
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
    "phone",
    "mobile",
    "jwt",
    # beyond the list: WeChat's code2Session parameter, signatures, PEM keys (spaces defeat rule 3)
    "js_code",
    "signature",
    "private_key",
    # signed URLs (S3, COS, OSS) and cloud access keys
    "X-Amz-Signature",
    "X-Amz-Credential",
    "X-Amz-Security-Token",
    "q-signature",
    "q-ak",
    "OSSAccessKeyId",
    "AccessKeyId",
    "aws_access_key_id",
    "x-session-id",
)
DEFAULT_SECRET_SUFFIXES: tuple[str, ...] = ("token", "secret", "key", "code")
# Names *ending* in one of these are secret whatever their value (``X-WX-Openid``, ``X-Signature``,
# ``userPassword``, ``contactMobile``, ``bankCardNo``).
DEFAULT_NAME_SUFFIXES: tuple[str, ...] = (
    "openid",
    "unionid",
    "signature",
    "password",
    "passwd",
    "sessionkey",
    "phonenumber",
    "mobile",
    "accesskeyid",
    "idcard",
    "idcardno",
    "idnumber",
    "cardno",
    "cardnumber",
    "credential",
    "credentials",
    "paysign",
    "noncestr",
)
# Host calls whose outcome fields are secrets whatever their shape, and wherever the value travels next
# (a ``code`` from ``wx.login`` is; a third-party ``"code": "200"`` is not).
PROVENANCE: dict[str, tuple[str, ...]] = {
    "login": ("code",),
    "getPhoneNumber": ("code",),
    "getRealtimePhoneNumber": ("code",),
    "pluginLogin": ("code",),
}

PLACEHOLDER_RE = re.compile(r"<redacted:([A-Za-z0-9_.-]+)#(\d+)>")
PLACEHOLDER_OR_REST = r"<redacted:[A-Za-z0-9_.-]+#\d+>"

_TOKEN_CHARS_RE = re.compile(r"[A-Za-z0-9+/=_.~-]+")
_HEX_RE = re.compile(r"[0-9a-f]+|[0-9A-F]+")
_WORDS_RE = re.compile(r"[a-z0-9]{1,2}(?:[-_.][a-z0-9]+)+|[a-z]+\d{0,4}(?:[-_.][a-z0-9]+)+")
_SEGMENT_RE = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


_NOT_NAME_RE = re.compile(r"[^a-z0-9]")


@lru_cache(maxsize=16384)
def normalize_name(name: str) -> str:
    """``accessToken`` / ``access_token`` / ``Access-Token`` -> ``accesstoken`` (how names are compared)."""
    return _NOT_NAME_RE.sub("", name.lower())


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
    its word/number segments < 3.8, random base64 gives ~1.9 and ``createOrder2024WithCoupon`` 4.9;
    not made of lower-case words joined by ``-``/``_``/``.`` such as ``drinks-menu-cache-v2``) with
    entropy >= min(4.5, 0.8 * log2(length)) bits/char (random base64 of 20 chars averages 4.0). The
    bounds let fewer than 1 in 500 random tokens of 16+ letters and digits through.
    """
    n = len(text)
    if n < min_length or _TOKEN_CHARS_RE.fullmatch(text) is None:
        return None
    if not (any(c.isdigit() for c in text) and any(c.isalpha() for c in text)):
        return None
    h = shannon_entropy(text)
    if _HEX_RE.fullmatch(text.strip("=")):
        return "hex" if h >= 3.0 else None
    if mean_segment_length(text) >= 3.8 or _WORDS_RE.fullmatch(text):
        return None
    return "base64" if h >= min(4.5, 0.8 * math.log2(n)) else None


def mixed_case_run(text: str, *, min_length: int = 16) -> bool:
    """Whether ``text`` is ``min_length``+ token characters mixing upper and lower case: under a secret name, a
    value even without a digit (an openid or key that drew none: ~1% of 27-character base64 tokens).
    ``Bearer``, ``null`` and ``LOGIN_REJECTED`` are not."""
    return (
        len(text) >= min_length
        and _TOKEN_CHARS_RE.fullmatch(text) is not None
        and any(c.isupper() for c in text)
        and any(c.islower() for c in text)
    )


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
    name_suffixes: tuple[str, ...] = DEFAULT_NAME_SUFFIXES
    value_patterns: tuple[str, ...] = ()

    @classmethod
    def from_config(cls, config: Mapping[str, Any] | None) -> RedactionRules:
        """Rules from plain config, as in pyproject's ``[tool.wxreplay.redact]`` (defaults merged in)."""
        return cls().merge(config or {})

    def merge(self, config: Mapping[str, Any]) -> RedactionRules:
        """New rules with ``config`` applied: ``extra_fields`` / ``ignore_fields`` add to these rules,
        ``value_patterns`` add too, ``header_names`` / ``field_names`` / ``secret_suffixes`` / ``name_suffixes``
        replace them."""
        valid = [f.name for f in fields(self)]
        changes: dict[str, tuple[str, ...]] = {}
        for key, value in config.items():
            if key not in valid:
                raise UsageError(
                    f"[tool.wxreplay.redact] has an unknown key {key!r} (valid: {', '.join(valid)})",
                    hint="add names to extra_fields, opt out with ignore_fields",
                )
            names = _str_tuple(value, key)
            if key == "value_patterns":
                for pattern in names:
                    try:
                        re.compile(pattern)
                    except re.error as e:
                        raise UsageError(
                            f"[tool.wxreplay.redact] value_patterns: {pattern!r} is not a regular expression: {e}",
                            hint="write Python regular expressions, e.g. value_patterns = ['ak-[0-9a-f]{32}']",
                        ) from None
            if key in ("extra_fields", "ignore_fields", "value_patterns"):
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

    @cached_property
    def _name_suffixes(self) -> tuple[str, ...]:
        return tuple(s for s in (normalize_name(x) for x in self.name_suffixes) if s)

    @cached_property
    def _patterns(self) -> re.Pattern[str] | None:
        return re.compile("|".join(f"(?:{p})" for p in self.value_patterns)) if self.value_patterns else None

    def is_ignored(self, name: str) -> bool:
        """Whether ``name`` was opted out with ``ignore_fields``."""
        return normalize_name(name) in self._ignored

    def is_allowed(self, name: str | None) -> bool:
        """Whether values under ``name`` are never secret (``ignore_fields`` and :data:`ALLOWED_NAMES`)."""
        if not name:
            return False
        found = self._allowed_cache.get(name)
        if found is None:
            norm = normalize_name(name)
            found = self._allowed_cache[name] = bool(norm) and (norm in self._ignored or norm in _ALLOWED)
        return found

    @cached_property
    def _allowed_cache(self) -> dict[str, bool]:
        return {}

    @cached_property
    def _name_cache(self) -> dict[str, tuple[str | None, str | None]]:
        return {}

    def _name_class(self, name: str) -> tuple[str | None, str | None]:
        """``(kind whatever the value, kind when the value looks secret)`` of ``name`` (remembered per name)."""
        found = self._name_cache.get(name)
        if found is None:
            norm = normalize_name(name)
            always: str | None = None
            maybe: str | None = None
            if norm and norm not in self._ignored:
                always = self._kinds.get(norm)
                if always is None and norm.endswith(self._name_suffixes):
                    always = _sanitize_kind(name)
                if always is None and norm.endswith(self._suffixes):
                    maybe = _sanitize_kind(name)
            found = self._name_cache[name] = (always, maybe)
        return found

    def secret_kind(self, name: str, value: object = _MISSING) -> str | None:
        """The placeholder kind when ``name`` (holding ``value``) is secret, else ``None``.

        Without ``value``, only names secret whatever their value (rule 2) count. A list value is
        secret when one of its items is (query values are lists).
        """
        found = self._name_cache.get(name)  # the common case inline: every key of every entry asks
        always, maybe = found if found is not None else self._name_class(name)
        if always is not None or maybe is None or value is _MISSING:
            return always
        items = value if isinstance(value, (list, tuple)) else (value,)
        return maybe if any(looks_secret(v) for v in items) else None

    def shapes(self, text: str) -> list[tuple[int, int, str]]:
        """``(start, end, kind)`` of the secret-shaped parts of ``text``: built-in shapes and ``value_patterns``."""
        found = find_shapes(text) if len(text) >= 11 or "-----BEGIN" in text else []
        if self._patterns is not None:
            for m in self._patterns.finditer(text):
                if m.end() > m.start() and not any(s < m.end() and m.start() < e for s, e, _ in found):
                    found.append((m.start(), m.end(), "value-pattern"))
            found.sort()
        return found

    def high_entropy(self, token: str, name: str | None) -> tuple[int, int] | None:
        """``(offset, length)`` of a random-looking piece (20+ characters) of ``token`` under ``name``, or ``None``.

        Hex pieces need entropy >= 3.0 bits/char and a name not ending in ``id`` (``docId``); base64
        pieces must mix upper case, lower case and digits and not be a UUID. Tokens are split at ``.``
        and ``~``, and at ``/`` unless they look like standard base64 (a ``+`` or trailing ``=``).
        """
        if self.is_allowed(name):
            return None
        norm = normalize_name(name) if name else ""
        offset = 0
        for piece in _pieces(token):
            cls = random_token_class(piece, min_length=20)
            at = token.index(piece, offset)
            if cls == "hex" and not norm.endswith("id"):
                return at, len(piece)
            if (
                cls == "base64"
                and _UUID_RE.fullmatch(piece) is None
                and any(c.isupper() for c in piece)
                and any(c.islower() for c in piece)
                and any(c.isdigit() for c in piece)
            ):
                return at, len(piece)
            offset = at + len(piece)
        return None


_UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_ALLOWED = frozenset(normalize_name(n) for n in ALLOWED_NAMES)


def _pieces(token: str) -> list[str]:
    out: list[str] = []
    for part in re.split(r"[.~]", token):
        if "/" in part and "+" not in part and not part.endswith("="):
            out.extend(p for p in part.split("/") if p)
        elif part:
            out.append(part)
    return out


# The rules of every run that configures none. Rules are immutable and learn per-name answers as
# they are used (``is_allowed``, the name classes): one shared object keeps what it learnt, where a
# fresh one per redactor made every scenario pay for normalising each name again.
DEFAULT_RULES = RedactionRules()


def rules_from_pyproject(path: str | Path = "pyproject.toml") -> RedactionRules:
    """Rules from ``[tool.wxreplay.redact]`` of a pyproject.toml; the defaults when the file or table is missing."""
    import tomllib

    from wxreplay import tomltext

    p = Path(path)
    if not p.is_file():
        return DEFAULT_RULES
    try:
        data = tomltext.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise UsageError(f"{p}: invalid TOML: {e}") from None
    section = data.get("tool", {}).get("wxreplay", {}).get("redact", {})
    if not isinstance(section, Mapping):
        raise UsageError(f"{p}: [tool.wxreplay.redact] must be a table")
    return RedactionRules.from_config(section)


# A URL inside any text is ``scheme://rest`` (``\x01`` separates the scanner's masked fields), as the regular
# expression ``[A-Za-z][A-Za-z0-9+.-]*://[^\s"'<>\x01]*`` finds it; one query parameter of it is what
# ``[?&](?P<name>[^=&#\s]+)=(?P<val>[^&#\s]*)`` finds. Both are found here without those expressions, whose
# backtracking is quadratic on a long run of scheme or name characters (a 100 KB hex blob in a response or a
# description took ~10 s); tests/unit/cassette/test_url_scan.py holds this code to the expressions' answers.
_SCHEME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+.-")
_SCHEME_FIRST = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_URL_REST = re.compile(r"[^\s\"'<>\x01]*")
_QUERY_START = re.compile(r"[?&]")
_NAME_STOP = re.compile(r"[=&#\s]")
_VALUE_END = re.compile(r"[&#\s]")


def url_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each URL in ``text``, left to right, not overlapping, in linear time."""
    spans = []
    pos = 0
    while (sep := text.find("://", pos)) != -1:
        start = sep
        while start > pos and text[start - 1] in _SCHEME_CHARS:
            start -= 1
        while start < sep and text[start] not in _SCHEME_FIRST:  # a scheme starts with a letter
            start += 1
        if start == sep:  # no scheme before this "://": no URL here
            pos = sep + 1
            continue
        end = _URL_REST.match(text, sep + 3)
        assert end is not None  # the pattern matches the empty string
        spans.append((start, end.end()))
        pos = end.end()
    return spans


def query_values(url: str) -> list[tuple[int, str, str]]:
    """``(offset, value, name)`` of each ``name=value`` after a ``?`` or ``&`` in ``url``, in linear time."""
    found = []
    pos = 0
    while (start := _QUERY_START.search(url, pos)) is not None:
        s = start.start()
        stop = _NAME_STOP.search(url, s + 1)
        e = stop.start() if stop is not None else len(url)
        if e == s + 1 or e == len(url) or url[e] != "=":
            # No name, or no "=" after it: every "?" between here and the stop would end the same way.
            pos = e if e > s + 1 else s + 1
            continue
        end = _VALUE_END.search(url, e + 1)
        v_end = end.start() if end is not None else len(url)
        found.append((e + 1, url[e + 1 : v_end], url[s + 1 : e]))
        pos = v_end
    return found


def url_query_values(text: str) -> tuple[list[tuple[int, str, str | None]], list[str]]:
    """The query values of the URLs in ``text`` as ``(offset, value, parameter name)``, and the characters of
    ``text`` with those URLs blanked: of a URL only the query values may hold a random token (its path is an
    address), so the redactor and the scanner both judge those values, under their parameter's name."""
    candidates: list[tuple[int, str, str | None]] = []
    chars = list(text)
    for start, end in url_spans(text):
        for offset, value, name in query_values(text[start:end]):
            if value:
                candidates.append((start + offset, value, name))
        chars[start:end] = " " * (end - start)
    return candidates, chars
