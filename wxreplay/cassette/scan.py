"""Secret scanner for cassettes and snapshots: known patterns plus high-entropy strings, with file:line:column.

The recorder runs it on a cassette's text before writing (and refuses to write on a hit);
``wxreplay scan PATH...`` runs it over existing files, as a pre-commit hook.

What is a hit (lines and columns are 1-based; a column counts characters, not bytes)
--------------------------------------------------------------------------------------
1. Known patterns, wherever they are: private-key headers, JWTs, ``Bearer <16+ chars>``, AWS access key
   ids, ``sk-...`` API keys, Stripe keys, GitHub and Slack tokens, Slack webhooks, Google API keys,
   ``prepay_id=wx...``, passwords in URLs (``scheme://user:pass@``).
2. Secret-named fields: a value under a name the redaction rules call secret (same names, same
   normalisation, see ``redact.py``) that holds a token of 16+ characters from ``[A-Za-z0-9+/=_.~-]``
   with a letter and a digit. A 32-hex value under a name ending in ``secret`` (a WeChat AppSecret,
   which pairs with a public ``wx`` + 16-hex AppID) is reported as ``wechat-appsecret``.
3. High entropy, under any other name: a token of 20+ characters that ``random_token_class`` calls
   random (hex with entropy >= 3.0 bits/char, or base64/base64url that is not word-shaped, with
   entropy >= min(4.5, 0.85 * log2(length)) bits/char) and, for base64, mixes upper case, lower case
   and digits. Tokens are split at ``.`` and at ``/`` (unless they contain ``+`` or end in ``=``, as
   standard base64 does), so file paths and dotted names are words, not tokens.

Not hits: ``<redacted:kind#n>`` placeholders; URLs, except their query values; UUIDs and hex values
under names ending in ``id`` (``docId``, ``orderId``; secret names such as ``openid`` excepted);
anything under an allowed name (``_id``, ``requestID``, ... :data:`ALLOWED_NAMES`) or under a name
opted out with ``ignore_fields``. The name of a value is the nearest ``key:`` / ``"key":`` /
``key=`` before it on its line, else the key of the enclosing YAML/JSON block (by indentation).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from wxreplay.cassette.redact import PLACEHOLDER_RE, RedactionRules, normalize_name, random_token_class

__all__ = ["ALLOWED_NAMES", "SCANNED_SUFFIXES", "SecretHit", "format_hits", "scan_cassette_text", "scan_path"]

SCANNED_SUFFIXES: tuple[str, ...] = (".yaml", ".yml", ".json", ".ambr", ".txt")
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

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("private-key", re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")),
    ("jwt", re.compile(r"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*")),
    ("bearer-token", re.compile(r"\b[Bb]earer\s+(?P<s>[A-Za-z0-9._~+/-]{16,}=*)")),
    ("aws-access-key-id", re.compile(r"\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b")),
    ("api-key", re.compile(r"(?<![A-Za-z0-9_-])sk-[A-Za-z0-9_-]{20,}")),
    ("stripe-key", re.compile(r"\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}")),
    ("github-token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})")),
    ("slack-token", re.compile(r"\bxox[abposre]-[A-Za-z0-9-]{10,}")),
    ("slack-webhook", re.compile(r"https://hooks\.slack\.com/services/(?P<s>[A-Za-z0-9/_-]{20,})")),
    ("google-api-key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}")),
    ("wechat-prepay-id", re.compile(r"prepay_id=(?P<s>wx[0-9A-Za-z]{10,})")),
    ("url-credentials", re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@\"'<>]+:(?P<s>[^/\s@\"'<>\x01]+)@")),
)
_UNMASKED = frozenset({"private-key"})  # the header is not the secret; show it whole

_URL_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s\"'<>\x01]*")
_URL_QUERY_RE = re.compile(r"[?&](?P<name>[^=&#\s]+)=(?P<val>[^&#\s]*)")
# a key: quoted and followed by ':' or '=' (JSON, amber, dict reprs), or bare and followed by ': ' (YAML)
# or '=' (query strings, cookies, form bodies) -- not by '==' (base64 padding)
_KEY_RE = re.compile(
    r"""(?P<q>["'])(?P<qkey>[^"'\s]{1,80})(?P=q)\s*[:=]"""
    r"""|(?<![\w.$@-])(?P<key>[A-Za-z_$@][\w.$@-]{0,79})(?::(?=\s|$)|=(?![\s=&"',;)\]}]|$))"""
)
_RUN_RE = re.compile(r"[A-Za-z0-9+/=_.~-]+")
_UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_WECHAT_SECRET_RE = re.compile(r"[0-9a-f]{32}")
_DASHES_RE = re.compile(r"(?:-[ \t]+)+")

_ALLOWED = frozenset(normalize_name(n) for n in ALLOWED_NAMES)


@dataclass(frozen=True)
class SecretHit:
    """Something that looks like a secret: where it is, what kind, and a masked excerpt."""

    file: str
    line: int
    column: int
    kind: str
    excerpt: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.kind}: {self.excerpt}"


def _mask(text: str) -> str:
    keep = min(4, len(text) // 5)
    return f"{text[:keep]}...{text[-keep:]}" if keep else "..."


def format_hits(hits: Iterable[SecretHit]) -> str:
    """One ``file:line:column: kind: excerpt`` line per hit."""
    return "\n".join(str(h) for h in hits)


def scan_cassette_text(text: str, file: str, *, rules: RedactionRules | None = None) -> list[SecretHit]:
    """Every secret-looking string of ``text`` (a cassette, snapshot or any text file named ``file``)."""
    rules = rules if rules is not None else RedactionRules()
    hits: list[SecretHit] = []
    stack: list[tuple[int, str]] = []  # (indent, key) of the enclosing YAML/JSON blocks
    for lineno, line in enumerate(text.splitlines(), start=1):
        context = _update_context(stack, line)
        hits.extend(_scan_line(line, lineno, file, context, rules))
    return hits


def scan_path(path: str | Path, *, rules: RedactionRules | None = None) -> list[SecretHit]:
    """Scan a file, or every ``.yaml/.yml/.json/.ambr/.txt`` file under a directory (sorted, hidden dirs skipped).

    Raises ``FileNotFoundError`` for a missing path.
    """
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"no such file or directory: {p}")
    if p.is_dir():
        files = sorted(
            f
            for f in p.rglob("*")
            if f.is_file()
            and f.suffix.lower() in SCANNED_SUFFIXES
            and not any(part.startswith(".") or part == "__pycache__" for part in f.relative_to(p).parts[:-1])
        )
    else:
        files = [p]
    hits: list[SecretHit] = []
    for f in files:
        hits.extend(scan_cassette_text(f.read_text(encoding="utf-8", errors="replace"), str(f), rules=rules))
    return hits


# ---------------------------------------------------------------------- internals


def _update_context(stack: list[tuple[int, str]], line: str) -> str | None:
    """Track the enclosing keys by indentation; return the name a key-less line's values belong to."""
    stripped = line.lstrip()
    if not stripped:
        return stack[-1][1] if stack else None
    indent = len(line) - len(stripped)
    dashes = _DASHES_RE.match(stripped)
    content = indent + (dashes.end() if dashes else 0)
    m = _KEY_RE.match(line, content)
    if m and (m.group("qkey") or line[m.end() - 1] == ":"):
        while stack and stack[-1][0] >= content:
            stack.pop()
        stack.append((content, m.group("qkey") or m.group("key")))
        return None
    # a key-less line: a list item belongs to a key at the same indent (YAML's compact sequences)
    while stack and (stack[-1][0] > indent or (stack[-1][0] == indent and not dashes)):
        stack.pop()
    return stack[-1][1] if stack else None


def _scan_line(line: str, lineno: int, file: str, context: str | None, rules: RedactionRules) -> list[SecretHit]:
    masked = PLACEHOLDER_RE.sub(lambda m: "\x01" * len(m.group(0)), line)
    found: list[tuple[int, int, str, str]] = []  # (start, end, kind, excerpt)

    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(masked):
            g = "s" if "s" in pattern.groupindex else 0
            start, end = m.span(g)
            found.append((start, end, kind, m.group(g) if kind in _UNMASKED else _mask(m.group(g))))

    # URLs: only their query values are candidates, under the parameter's name
    candidates: list[tuple[int, str, str | None]] = []
    chars = list(masked)
    for m in _URL_RE.finditer(masked):
        for q in _URL_QUERY_RE.finditer(m.group(0)):
            if q.group("val"):
                candidates.append((m.start() + q.start("val"), q.group("val"), q.group("name")))
        chars[m.start() : m.end()] = " " * (m.end() - m.start())
    keys: list[tuple[int, str]] = []
    for m in _KEY_RE.finditer(masked):
        keys.append((m.end(), m.group("qkey") or m.group("key")))
        chars[m.start() : m.end()] = " " * (m.end() - m.start())
    blanked = "".join(chars)
    key_ends = [end for end, _ in keys]
    for m in _RUN_RE.finditer(blanked):
        i = bisect.bisect_right(key_ends, m.start())  # the nearest key before the run on this line
        candidates.append((m.start(), m.group(0), keys[i - 1][1] if i else context))

    for start, token, name in candidates:
        hit = _judge(token, name, rules)
        if hit is not None:
            offset, length, kind = hit
            s = start + offset
            found.append((s, s + length, kind, _mask(token[offset : offset + length])))

    found.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    out: list[SecretHit] = []
    taken: list[tuple[int, int]] = []
    for start, end, kind, excerpt in found:  # patterns first in list order would lose to position; keep the first span
        if any(start < e and s < end for s, e in taken):
            continue
        taken.append((start, end))
        out.append(SecretHit(file, lineno, start + 1, kind, excerpt))
    return out


def _judge(token: str, name: str | None, rules: RedactionRules) -> tuple[int, int, str] | None:
    """(offset, length, kind) of the secret in ``token`` found under ``name``, or None."""
    norm = normalize_name(name) if name else ""
    if name and (norm in _ALLOWED or rules.is_ignored(name)):
        return None
    if name and rules.secret_kind(name, token) is not None:
        if len(token) >= 16 and any(c.isdigit() for c in token) and any(c.isalpha() for c in token):
            if norm.endswith("secret") and _WECHAT_SECRET_RE.fullmatch(token):
                return 0, len(token), "wechat-appsecret"
            return 0, len(token), "secret-field"
        return None
    offset = 0
    for piece in _pieces(token):
        cls = random_token_class(piece, min_length=20)
        if cls == "hex" and not norm.endswith("id"):
            return token.index(piece, offset), len(piece), "high-entropy"
        if (
            cls == "base64"
            and _UUID_RE.fullmatch(piece) is None
            and any(c.isupper() for c in piece)
            and any(c.islower() for c in piece)
            and any(c.isdigit() for c in piece)
        ):
            return token.index(piece, offset), len(piece), "high-entropy"
        offset = token.index(piece, offset) + len(piece)
    return None


def _pieces(token: str) -> list[str]:
    parts = re.split(r"[.~]", token)
    out: list[str] = []
    for part in parts:
        if "/" in part and "+" not in part and not part.endswith("="):
            out.extend(p for p in part.split("/") if p)
        elif part:
            out.append(part)
    return out
