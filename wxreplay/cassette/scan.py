"""Secret scanner for cassettes and snapshots: known patterns plus high-entropy strings, with file:line:column.

The recorder runs it on a cassette's text before writing (and refuses to write on a hit);
``wxreplay scan PATH...`` runs it over existing files, as a pre-commit hook.

What is a hit (lines and columns are 1-based; a column counts characters, not bytes)
--------------------------------------------------------------------------------------
The rules are the redactor's (:mod:`wxreplay.cassette.rules`), so whatever is flagged here is what
the redactor redacts at record time:

1. Value shapes, wherever they are: private keys, JWTs, ``Bearer`` credentials, cloud/API keys,
   ``prepay_id=wx...``, passwords in URLs and in free text, phone, ID and bank card numbers, and
   ``value_patterns`` (:mod:`wxreplay.cassette.shapes`).
2. Secret-named fields: a value of 6+ characters with a digit (or of 16+ mixing upper and lower case)
   under a name the rules call secret
   (``password: hunter2``, ``phoneNumber: '138...'``, ``code: 0c3...`` when it looks random). A
   32-hex value under a name ending in ``secret`` (a WeChat AppSecret) is ``wechat-appsecret``.
3. High entropy, under any other name: a random-looking token of 20+ characters
   (:meth:`RedactionRules.high_entropy`).

Not hits: ``<redacted:kind#n>`` placeholders and a transcript's masks (``<session#1>``); URLs, except
their query values; UUIDs and hex values under names ending in ``id``; anything under an allowed name
(``_id``, ``requestID``, ... :data:`ALLOWED_NAMES`) or under a name opted out with ``ignore_fields``.
The name of a value is the nearest ``key:`` / ``"key":`` / ``key=`` before it on its line, else the
key of the enclosing YAML/JSON block (by indentation); it is reported as the hit's ``field``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from wxreplay.cassette.rules import (
    ALLOWED_NAMES,
    CONFIG_KEYS_HINT,
    DEFAULT_RULES,
    PLACEHOLDER_RE,
    RedactionRules,
    mixed_case_run,
    normalize_name,
    url_query_values,
)

__all__ = [
    "ALLOWED_NAMES",
    "SCANNED_SUFFIXES",
    "SecretHit",
    "format_hits",
    "hits_error",
    "scan_cassette_text",
    "scan_path",
    "scanned_files",
]

SCANNED_SUFFIXES: tuple[str, ...] = (".yaml", ".yml", ".json", ".ambr", ".txt")
_UNMASKED = frozenset({"private-key"})  # the header is not the secret; show it whole

# a key: quoted and followed by ':' or '=' (JSON, amber, dict reprs), or bare and followed by ': ' (YAML)
# or '=' (query strings, cookies, form bodies) -- not by '==' (base64 padding)
_KEY_RE = re.compile(
    r"""(?P<q>["'])(?P<qkey>[^"'\s]{1,80})(?P=q)\s*[:=]"""
    r"""|(?<![\w.$@-])(?P<key>[A-Za-z_$@][\w.$@-]{0,79})(?::(?=\s|$)|=(?![\s=&"',;)\]}]|$))"""
)
_RUN_RE = re.compile(r"[A-Za-z0-9+/=_.~-]+")
_WECHAT_SECRET_RE = re.compile(r"[0-9a-f]{32}")
_DASHES_RE = re.compile(r"(?:-[ \t]+)+")
# what a YAML/JSON line holds under a secret name that is no secret value
_LITERALS = frozenset({"null", "true", "false", "none", "~"})
_COOKIE_NAMES = frozenset({"cookie", "setcookie"})
# volatile values a transcript masks (``<session#1>``) are no secrets either
_MASK_RE = re.compile(r"<[^<>\s]{1,80}>")


@dataclass(frozen=True)
class SecretHit:
    """Something that looks like a secret: where it is, what kind, and a masked excerpt."""

    file: str
    line: int
    column: int
    kind: str
    excerpt: str
    field: str | None = None  # the name the value sits under, when one is on its line or above it

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.kind}: {self.excerpt}"


def _mask(text: str) -> str:
    keep = min(4, len(text) // 5)
    return f"{text[:keep]}...{text[-keep:]}" if keep else "..."


def format_hits(hits: Iterable[SecretHit]) -> str:
    """One ``file:line:column: kind: excerpt`` line per hit."""
    return "\n".join(str(h) for h in hits)


#: What :func:`scan_cassette_text` judged of each (masked line, enclosing key): shareable between files
#: scanned with the same rules, since the judgement depends on nothing else.
LineMemo = dict[tuple[str, str | None], list[tuple[int, str, str, str | None]]]


def scan_cassette_text(
    text: str,
    file: str,
    *,
    rules: RedactionRules | None = None,
    memo: LineMemo | None = None,
    memo_line_chars: int | None = None,
) -> list[SecretHit]:
    """Every secret-looking string of ``text`` (a cassette, snapshot or any text file named ``file``).

    ``memo``: the judgements of lines already scanned with the same ``rules`` (a caller scanning many
    files passes one dict to all of them; lines repeated across files are then judged once);
    ``memo_line_chars``: keep only lines up to that length in ``memo`` (a long-lived memo stays small;
    longer lines are judged once per text).
    """
    rules = rules if rules is not None else DEFAULT_RULES
    hits: list[SecretHit] = []
    stack: list[tuple[int, str]] = []  # (indent, key) of the enclosing YAML/JSON blocks
    # A cassette repeats its lines (headers, methods, placeholders, the same keys): judge each once.
    seen: LineMemo = memo if memo is not None else {}
    long_seen: LineMemo = seen if memo_line_chars is None else {}
    limit = memo_line_chars if memo_line_chars is not None else len(text)
    for lineno, line in enumerate(text.splitlines(), start=1):
        if line:
            context = _update_context(stack, line)
            # placeholders are masked first (same length): lines differing only in them are judged once
            masked = _masked(line) if "<" in line else line
        else:  # what _update_context gives an empty line, without the call (the linter scans mostly empty texts)
            context = stack[-1][1] if stack else None
            masked = line
        judged = seen if len(masked) <= limit else long_seen
        found = judged.get((masked, context))
        if found is None:
            found = judged[(masked, context)] = _scan_line(masked, context, rules)
        if found:
            hits.extend(SecretHit(file, lineno, column, kind, excerpt, name) for column, kind, excerpt, name in found)
    return hits


def scanned_files(path: str | Path) -> list[Path]:
    """The files :func:`scan_path` reads for ``path``: the file itself, or every ``.yaml/.yml/.json/.ambr/.txt``
    file under a directory (sorted, hidden dirs and ``__pycache__`` skipped).

    Raises ``FileNotFoundError`` for a missing path.
    """
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"no such file or directory: {p}")
    if not p.is_dir():
        return [p]
    return sorted(
        f
        for f in p.rglob("*")
        if f.is_file()
        and f.suffix.lower() in SCANNED_SUFFIXES
        and not any(part.startswith(".") or part == "__pycache__" for part in f.relative_to(p).parts[:-1])
    )


def scan_path(path: str | Path, *, rules: RedactionRules | None = None) -> list[SecretHit]:
    """Scan a file, or every ``.yaml/.yml/.json/.ambr/.txt`` file under a directory (sorted, hidden dirs skipped).

    Raises ``FileNotFoundError`` for a missing path.
    """
    hits: list[SecretHit] = []
    for f in scanned_files(path):
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
        parent = stack[-1][1] if stack else None
        stack.append((content, m.group("qkey") or m.group("key")))
        return parent  # what sits before the key on its line (the key itself) belongs to the enclosing block
    # a key-less line: a list item belongs to a key at the same indent (YAML's compact sequences)
    while stack and (stack[-1][0] > indent or (stack[-1][0] == indent and not dashes)):
        stack.pop()
    return stack[-1][1] if stack else None


def _masked(line: str) -> str:
    """``line`` with placeholders and transcript masks blanked out (``\x01`` each, columns kept)."""
    return _MASK_RE.sub(lambda m: "\x01" * len(m.group(0)), PLACEHOLDER_RE.sub(lambda m: "\x01" * len(m.group(0)), line))


def _scan_line(line: str, context: str | None, rules: RedactionRules) -> list[tuple[int, str, str, str | None]]:
    """``(column, kind, excerpt, field)`` of every hit on the (masked) ``line`` under the key ``context``."""
    masked = line
    found: list[tuple[int, int, str, str, str | None]] = []  # (start, end, kind, excerpt, field)

    keys: list[tuple[int, str]] = []
    for m in _KEY_RE.finditer(masked):
        keys.append((m.end(), m.group("qkey") or m.group("key")))
    key_ends = [end for end, _ in keys]

    def name_at(pos: int) -> str | None:
        i = bisect.bisect_right(key_ends, pos)  # the nearest key before ``pos`` on this line
        if not i:
            return context
        # every value of a cookie header is secret, as the redactor has it (``sid=...; Path=/``)
        first = keys[0][1] if normalize_name(keys[0][1]) in _COOKIE_NAMES else None
        return first or keys[i - 1][1]

    for start, end, kind in rules.shapes(masked):
        name = name_at(start)
        if name and rules.is_allowed(name):
            continue
        text = masked[start:end]
        found.append((start, end, kind, text.split("\n")[0][:60] if kind in _UNMASKED else _mask(text), name))

    # URLs: only their query values are candidates, under the parameter's name
    candidates, chars = url_query_values(masked)
    for m in _KEY_RE.finditer(masked):
        chars[m.start() : m.end()] = " " * (m.end() - m.start())
    blanked = "".join(chars)
    for m in _RUN_RE.finditer(blanked):
        candidates.append((m.start(), m.group(0), name_at(m.start())))

    for start, token, name in candidates:
        hit = _judge(token, name, rules)
        if hit is not None:
            offset, length, kind = hit
            s = start + offset
            found.append((s, s + length, kind, _mask(token[offset : offset + length]), name))

    found.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    out: list[tuple[int, str, str, str | None]] = []
    taken: list[tuple[int, int]] = []
    for start, end, kind, excerpt, name in found:  # the first span wins; a span inside it is the same secret
        if any(start < e and s < end for s, e in taken):
            continue
        taken.append((start, end))
        out.append((start + 1, kind, excerpt, _shown_field(name, rules)))
    return out


def _shown_field(name: str | None, rules: RedactionRules) -> str | None:
    """The field a hit is reported under, masked when the name is a secret itself (a phone number as a key)."""
    if not name or not (rules.shapes(name) or rules.high_entropy(name, None)):
        return name
    return _mask(name)


def _judge(token: str, name: str | None, rules: RedactionRules) -> tuple[int, int, str] | None:
    """(offset, length, kind) of the secret in ``token`` found under ``name``, or None (the redactor's rules)."""
    if name and rules.is_allowed(name):
        return None
    if name and rules.secret_kind(name, token) is not None:
        # a value (a password, a phone number, a key) has a digit, or is a long mixed-case run (an openid
        # that drew no digit); words beside it (``Bearer``) are neither
        if token.lower() in _LITERALS or len(token) < 6:
            return None
        if not any(c.isdigit() for c in token) and not mixed_case_run(token):
            return None
        if normalize_name(name).endswith("secret") and _WECHAT_SECRET_RE.fullmatch(token):
            return 0, len(token), "wechat-appsecret"
        return 0, len(token), "secret-field"
    hit = rules.high_entropy(token, name)
    return None if hit is None else (hit[0], hit[1], "high-entropy")


def hits_error(hits: list[SecretHit], what: str, *, located: bool = False) -> tuple[str, str]:
    """``(message, hint)`` of an error refusing to write ``what`` (a cassette, a snapshot) while ``hits`` remain.

    ``located``: the error shows the file, line and column itself (a ``CassetteError``), so the message
    says only the line; otherwise the message starts with ``file:line:column``.
    """
    first = hits[0]
    more = f" (and {len(hits) - 1} more)" if len(hits) > 1 else ""
    field = f", field {first.field!r}," if first.field else ""
    where = f"line {first.line}" if located else f"{first.file}:{first.line}:{first.column}"
    message = (
        f"refusing to write {what}: {where}{field} still holds something that looks like a secret "
        f"({first.kind}: {first.excerpt}){more}; nothing was written"
    )
    name = first.field or "<field>"
    hint = (
        f"{CONFIG_KEYS_HINT}; e.g. extra_fields = [{name!r}] to redact it, or ignore_fields = [{name!r}] if it is "
        "no secret; then record again"
    )
    return message, hint
