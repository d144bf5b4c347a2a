"""``expect:`` checks: partial assertions on a step, evaluated into structural differences.

Every check yields :class:`Difference` objects whose ``path`` says where the mismatch is, from the
turn down to the field: ``turn 3 › createOrder › structuredContent.total`` or
``turn 4 › render getOrder › card order-status › text``. The conversation runner stops at the
first step with differences and reports them in a :class:`ScenarioFailure`.

Matching rules (what a QA engineer can rely on):

* mappings (``structuredContent``, ``_meta``, ``handoff``, ``message.arguments``) match *partially*:
  every key written must be there with a matching value, keys not written are not checked;
* lists match element by element and must have the same length (each element matched partially);
* numbers compare by value (``28`` equals ``28.0``), never equal to booleans; text compares exactly;
* ``content``, ``facts``, ``actions``, ``card.text`` and ``message.text`` are *contained in*
  checks: each text given must occur in the joined text (facts of one result are joined by
  newlines, a card's text is its text nodes in document order);
* ``host_calls`` lists host calls that must have been made during the step, by the dotted name
  the runtime records (``login``, ``requestPayment``, ``cloud.callFunction``, ``cloud.database``,
  ``modelContext.sendFollowUpMessage``); a namespace (``cloud``, ``modelContext``) matches any
  call below it; ``findings`` lists the finding codes the step must report, exactly (as a
  set); ``findings: []`` means none at all.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from wxreplay import serialize
from wxreplay.errors import WxReplayError
from wxreplay.scenario.templating import format_path

__all__ = [
    "MISSING",
    "Difference",
    "ScenarioFailure",
    "contains",
    "exact",
    "partial",
]

SEP = " › "


class _Missing:
    """The marker for "no such key / nothing there"."""

    def __repr__(self) -> str:
        return "(missing)"


MISSING: Any = _Missing()

DiffKind = Literal["equal", "missing", "contains", "count", "absent", "present", "extra"]


def _show(value: Any, limit: int = 160) -> str:
    if value is MISSING:
        return "(missing)"
    text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Difference:
    """One mismatch: where (``path``), what the scenario expected, what happened.

    ``kind`` says how to read it: ``equal`` (values differ), ``missing`` (the key is not there),
    ``extra`` (there, but not expected), ``contains`` (the text does not occur in ``actual``),
    ``count`` (number of matches), ``absent`` (something expected did not happen), ``present``
    (something happened that should not have).
    """

    path: str
    expected: Any
    actual: Any
    kind: DiffKind = "equal"

    def describe(self) -> str:
        """One readable line: ``path: expected X, got Y``."""
        e, a = self.expected, self.actual
        if self.kind == "missing":
            return f"{self.path}: expected {_show(e)}, but there is no such key" + (
                f" (keys: {', '.join(map(str, a))})" if isinstance(a, (list, tuple)) and a else ""
            )
        if self.kind == "extra":
            return f"{self.path}: not expected, got {_show(a)}"
        if self.kind == "contains":
            return f"{self.path}: expected text containing {_show(e)}, got {_show(a, 300)}"
        if self.kind == "count":
            return f"{self.path}: expected {e}, found {a}"
        if self.kind == "absent":
            return f"{self.path}: expected {e if isinstance(e, str) else _show(e)}, but {a if isinstance(a, str) else _show(a)}"
        if self.kind == "present":
            return f"{self.path}: expected {e if isinstance(e, str) else _show(e)}, got {_show(a)}"
        return f"{self.path}: expected {_show(e)}, got {_show(a)}"

    def __str__(self) -> str:
        return self.describe()

    def to_dict(self) -> dict[str, Any]:
        """path, kind, expected, actual (``None`` where :data:`MISSING`)."""
        return serialize.difference(
            self.path,
            self.kind,
            None if self.expected is MISSING else self.expected,
            None if self.actual is MISSING else self.actual,
        )


def join(*parts: str) -> str:
    """``turn 3`` + ``createOrder`` + ``structuredContent.total`` -> ``turn 3 › createOrder › structuredContent.total``."""
    return SEP.join(p for p in parts if p)


def _scalar_equal(expected: Any, actual: Any) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        return bool(expected == actual)
    return type(expected) is type(actual) and expected == actual if expected is not None else actual is None


def partial(expected: Any, actual: Any, prefix: str, parts: Sequence[str | int] = ()) -> list[Difference]:
    """Differences of ``actual`` from ``expected`` under the partial rules of the module docstring."""
    here = join(prefix, format_path(list(parts))) if parts else prefix
    if isinstance(expected, Mapping):
        if not isinstance(actual, Mapping):
            return [Difference(here, expected, actual)]
        out: list[Difference] = []
        for key, value in expected.items():
            if key not in actual:
                out.append(Difference(join(prefix, format_path([*parts, str(key)])), value, list(actual), "missing"))
            else:
                out.extend(partial(value, actual[key], prefix, (*parts, str(key))))
        return out
    if isinstance(expected, (list, tuple)):
        if not isinstance(actual, (list, tuple)) or len(actual) != len(expected):
            return [Difference(here, list(expected), actual)]
        out = []
        for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
            out.extend(partial(e, a, prefix, (*parts, i)))
        return out
    if not _scalar_equal(expected, actual):
        return [Difference(here, expected, actual)]
    return []


def exact(expected: Any, actual: Any, prefix: str, parts: Sequence[str | int] = ()) -> list[Difference]:
    """Like :func:`partial`, but keys present in ``actual`` and not in ``expected`` differ too."""
    out = partial(expected, actual, prefix, parts)
    if isinstance(expected, Mapping) and isinstance(actual, Mapping):
        for key in actual:
            if key not in expected:
                out.append(Difference(join(prefix, format_path([*parts, str(key)])), MISSING, actual[key], "extra"))
            elif isinstance(expected[key], Mapping):
                out.extend(d for d in exact(expected[key], actual[key], prefix, (*parts, str(key))) if d.kind == "extra")
    return out


def contains(texts: Iterable[str], actual: str, path: str) -> list[Difference]:
    """One difference per text of ``texts`` that does not occur in ``actual``."""
    return [Difference(path, t, actual, "contains") for t in texts if str(t) not in actual]


def codes(expected: Iterable[str], found: Iterable[Mapping[str, Any]], path: str) -> list[Difference]:
    """The finding codes reported must be exactly ``expected`` (as a set)."""
    want = sorted(set(expected))
    got = sorted({str(f.get("code")) for f in found})
    return [] if want == got else [Difference(path, want, got)]


def host_call_matches(name: str, called: str) -> bool:
    """Whether the recorded host call ``called`` is ``name`` or lies in the namespace ``name`` (``cloud``)."""
    return called == name or called.startswith(name + ".")


def host_calls(expected: Iterable[str], called: Sequence[str], path: str) -> list[Difference]:
    """Each host call of ``expected`` must be among ``called`` (a namespace: some call below it)."""
    return [
        Difference(path, f"a call of wx.{name}", f"the step called {_show(list(called)) if called else 'no wx API'}", "absent")
        for name in expected
        if not any(host_call_matches(name, c) for c in called)
    ]


# ---- the failure ------------------------------------------------------------------------------


@dataclass(eq=False)
class ScenarioFailure(WxReplayError):
    """A scenario run stopped at a step: where, the YAML of its turn, what differed or what broke.

    ``turn`` is the 1-based index of the failing turn in the file (``None`` before the first turn,
    e.g. the skill failed to load); ``step`` reads like ``turn 3 › createOrder``; ``yaml`` holds
    the turn's lines with their numbers; ``differences`` the structural mismatches of ``expect:``
    (or of the plan against what the card sent); ``cause`` the error that stopped the run
    (``JSError``, ``CassetteMissError``, ``CardError``, ...). ``str()`` is the one-line headline,
    :meth:`render` the full report.
    """

    reason: str
    file: str
    turn: int | None = None
    step: str | None = None
    yaml: str = ""
    differences: list[Difference] = field(default_factory=list)
    cause: BaseException | None = None
    line: int | None = None  # the failing step's first line
    lines: tuple[int, int] | None = None  # the failing step's lines, marked in the report
    planned: str | None = None  # the planned step as it ran, e.g. call createOrder {"drinkId": 101}
    scenario: str | None = None  # the scenario's name
    fix: str | None = None

    def __post_init__(self) -> None:
        WxReplayError.__init__(self, self.headline(), hint=self.fix)

    def __reduce__(self) -> Any:  # picklable (pytest-xdist, multiprocessing): rebuilt from its fields
        return (_rebuild, (type(self), {k: v for k, v in self.__dict__.items() if k in _FIELDS}))

    def headline(self) -> str:
        """``file:line: turn 3 › createOrder: reason``."""
        where = self.file + (f":{self.line}" if self.line else "")
        return f"{where}: {self.step + ': ' if self.step else ''}{self.reason}"

    def __str__(self) -> str:
        return self.headline()

    def render(self, *, verbose: bool = False) -> str:
        """The readable report: file, the turn's YAML lines (the failing step marked), the planned step,
        the differences and the error that stopped the run. No Python traceback."""
        out = [self.headline()]
        if self.scenario:
            out.append(f"  scenario: {self.scenario}")
        if self.yaml:
            out.append(_mark(self.yaml, self.lines))
        if self.planned:
            out.append(f"  planned: {self.planned}")
        if self.differences:
            out.append("  differences:")
            out.extend("    " + d.describe() for d in self.differences)
        if self.cause is not None:
            text = str(self.cause) if verbose else _cause_text(self.cause)
            kind = type(self.cause).__name__
            body = text.splitlines() or [""]
            out.append(f"  {kind}: {body[0]}")
            out.extend("    " + ln for ln in body[1:])
        if self.fix:
            out.append(f"  fix: {self.fix}")
        return "\n".join(out)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (for ``--json`` reports and tools): file, line, turn, step, reason, planned,
        differences, cause (type and message), fix."""
        return serialize.failure(self)


_FIELDS = ("reason", "file", "turn", "step", "yaml", "differences", "cause", "line", "lines", "planned", "scenario", "fix")


def _rebuild(cls: type[ScenarioFailure], fields: dict[str, Any]) -> ScenarioFailure:
    return cls(**fields)


def _cause_text(cause: BaseException) -> str:
    """The error's message with its hint; long JS stacks are cut to their first frames."""
    text = str(cause)
    lines = text.splitlines()
    if len(lines) > 30:
        lines = [*lines[:28], f"… ({len(lines) - 28} more lines; -v shows all)"]
    return "\n".join(lines)


def _mark(yaml_lines: str, lines: tuple[int, int] | None) -> str:
    """Numbered YAML lines (``  45 | ...``) with ``>`` in front of the failing step's lines."""
    if lines is None:
        return yaml_lines
    first, last = lines
    out = []
    for ln in yaml_lines.splitlines():
        number = ln.split("|", 1)[0].strip()
        if number.isdigit() and first <= int(number) <= last:
            ln = ">" + ln[1:] if ln.startswith(" ") else ln
        out.append(ln)
    return "\n".join(out)
