"""Value shapes that are secrets under any name: the one list the redactor and the scanner share.

A *shape* is found inside any text: JWTs, PEM private keys, cloud and API keys, bearer credentials,
``prepay_id=wx...``, passwords in URLs and in free text (``temporary password: ...``, ``密码：...``),
Chinese mobile numbers, Chinese resident ID numbers (their check digit must be right) and bank card
numbers (16 to 19 digits passing the Luhn check). :func:`find_shapes` returns the spans of the secret
part only (``Bearer`` and ``password:`` stay), so the redactor replaces exactly what the scanner
flags.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["SHAPES", "Shape", "find_shapes", "is_cn_id", "luhn_ok"]


def luhn_ok(digits: str) -> bool:
    """Whether a string of digits passes the Luhn check (bank card numbers do)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def is_cn_id(text: str) -> bool:
    """Whether ``text`` is an 18-character Chinese resident ID number with a valid check character."""
    if len(text) != 18 or not text[:17].isdigit():
        return False
    month, day = int(text[10:12]), int(text[12:14])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return False
    check = _ID_CHECK[sum(int(c) * w for c, w in zip(text[:17], _ID_WEIGHTS, strict=True)) % 11]
    return text[17].upper() == check


@dataclass(frozen=True)
class Shape:
    """One kind of secret-shaped text: ``pattern`` (its group ``s`` is the secret, else the whole match)."""

    kind: str
    pattern: re.Pattern[str]
    valid: Callable[[str], bool] | None = None
    # lower-case texts one of which the shape cannot match without (a cheap test before the regex);
    # empty: the shape needs a run of 11 digits
    markers: tuple[str, ...] = ()


SHAPES: tuple[Shape, ...] = (
    Shape(
        "private-key",
        re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----(?:[^-]*-----END [A-Z0-9 ]+-----)?"),
        markers=("-----begin",),
    ),
    Shape("jwt", re.compile(r"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"), markers=("eyj",)),
    Shape("bearer-token", re.compile(r"\b[Bb]earer\s+(?P<s>(?!<redacted:)[A-Za-z0-9._~+/-]{16,}=*)"), markers=("bearer",)),
    Shape("aws-access-key-id", re.compile(r"\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b"), markers=("akia", "asia", "abia", "acca")),
    Shape("api-key", re.compile(r"(?<![A-Za-z0-9_-])sk-[A-Za-z0-9_-]{20,}"), markers=("sk-",)),
    Shape("stripe-key", re.compile(r"\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}"), markers=("k_live_", "k_test_")),
    Shape(
        "github-token",
        re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})"),
        markers=("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
    ),
    Shape("slack-token", re.compile(r"\bxox[abposre]-[A-Za-z0-9-]{10,}"), markers=("xox",)),
    Shape(
        "slack-webhook",
        re.compile(r"https://hooks\.slack\.com/services/(?P<s>[A-Za-z0-9/_-]{20,})"),
        markers=("hooks.slack.com",),
    ),
    Shape("google-api-key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}"), markers=("aiza",)),
    Shape("wechat-prepay-id", re.compile(r"prepay_id=(?P<s>wx[0-9A-Za-z]{10,})"), markers=("prepay_id=",)),
    Shape(
        "url-credentials", re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@\"'<>\x01]+:(?P<s>[^/\s@\"'<>\x01]+)@"), markers=("@",)
    ),
    Shape(
        "password-text",
        re.compile(
            r"(?i)(?:password|passwd|passcode|pwd|密码|口令)(?:\s+is)?\s*[:：=]\s*(?P<s>(?!<redacted:)[^\s,;，。；'\"<>\\\x01]{4,})"
        ),
        markers=("password", "passwd", "passcode", "pwd", "密码", "口令"),
    ),
    Shape("cn-id-number", re.compile(r"(?<![0-9A-Za-z])[1-9]\d{16}[0-9Xx](?![0-9A-Za-z])"), is_cn_id),
    Shape("bank-card", re.compile(r"(?<![0-9A-Za-z.])[3-6]\d{15,18}(?![0-9A-Za-z]|\.\d)"), luhn_ok),
    Shape("phone-number", re.compile(r"(?<![0-9A-Za-z.])(?:\+?86[- ]?)?1[3-9]\d{9}(?![0-9A-Za-z]|\.\d)")),
)

# Cheap pre-checks: most texts hold none of these, and a shape cannot match without its marker.
_DIGITS_RE = re.compile(r"\d{11}")
# Any marker of any shape, in one scan of the text: a text with none (and no long number) holds no shape.
_ANY_MARKER_RE = re.compile("|".join(re.escape(m) for shape in SHAPES for m in shape.markers))


def find_shapes(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, kind)`` of every secret-shaped part of ``text``, in order, never overlapping."""
    found: list[tuple[int, int, str]] = []
    has_long_number = _DIGITS_RE.search(text) is not None
    lower = text.lower()
    if not has_long_number and _ANY_MARKER_RE.search(lower) is None:
        return found
    for shape in SHAPES:
        if shape.markers:
            if not any(m in lower for m in shape.markers):
                continue
        elif not has_long_number:
            continue
        for m in shape.pattern.finditer(text):
            g = "s" if "s" in shape.pattern.groupindex else 0
            value = m.group(g)
            if shape.valid is not None and not shape.valid(value.replace("x", "X")):
                continue
            start, end = m.span(g)
            found.append((start, end, shape.kind))
    found.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    out: list[tuple[int, int, str]] = []
    last_end = -1
    for start, end, kind in found:
        if start >= last_end:
            out.append((start, end, kind))
            last_end = end
    return out
