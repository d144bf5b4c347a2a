"""The tally's records (an :class:`Item` per API call or card render, per skill, per package) and its report.

Plain data and text, no engine: :mod:`wxreplay.tally_run` fills these records, :mod:`wxreplay.tally`
prints them (a table, or JSON with ``to_dict``). The outcomes are described in :mod:`wxreplay.tally`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["OUTCOMES", "Counts", "Item", "PackageTally", "SkillTally", "render_report", "report_data"]

#: Every outcome of an item, in report order.
OUTCOMES = ("ran", "needs-recording", "needs-device", "failed", "skipped", "harness")


@dataclass(frozen=True)
class Item:
    """One API call or one card render of a tally, and how it ended."""

    kind: str  # "api" or "card"
    skill: str
    name: str  # the API; for a card "<api> -> <componentPath>"
    outcome: str  # one of OUTCOMES
    is_error: bool = False  # an API that ran and returned isError: true
    detail: str = ""  # why (masked); for a harness error, the traceback

    def to_dict(self) -> dict[str, Any]:
        """The item as JSON data."""
        out: dict[str, Any] = {"kind": self.kind, "skill": self.skill, "name": self.name, "outcome": self.outcome}
        if self.is_error:
            out["isError"] = True
        if self.detail:
            out["detail"] = self.detail
        return out


@dataclass
class SkillTally:
    """One skill of a package: whether it loaded, and its items."""

    name: str
    listed: bool  # False: a skill directory no app.json lists, run on its own
    load_error: str | None = None  # the skill's own load failure (its items are counted failed)
    items: list[Item] = field(default_factory=list)
    undeclared: list[str] = field(default_factory=list)  # registered by index.js, absent from mcp.json: never called


@dataclass
class Counts:
    """Items by kind and outcome, and skills loaded / found."""

    skills: int = 0
    loaded: int = 0
    by: dict[tuple[str, str], int] = field(default_factory=dict)  # (kind, outcome) -> n
    is_error: int = 0
    load_harness: int = 0  # the loader itself crashed

    def get(self, kind: str, outcome: str) -> int:
        """How many items of ``kind`` ended in ``outcome``."""
        return self.by.get((kind, outcome), 0)

    def total(self, kind: str) -> int:
        """How many items of ``kind`` there are."""
        return sum(n for (k, _), n in self.by.items() if k == kind)

    @property
    def harness(self) -> int:
        """Harness errors of every kind, loading included."""
        return self.load_harness + self.get("api", "harness") + self.get("card", "harness")

    def add(self, other: Counts) -> None:
        """Add ``other`` into these counts."""
        self.skills += other.skills
        self.loaded += other.loaded
        self.is_error += other.is_error
        self.load_harness += other.load_harness
        for key, n in other.by.items():
            self.by[key] = self.by.get(key, 0) + n

    def to_dict(self) -> dict[str, Any]:
        """The counts as JSON data."""
        return {
            "skills": self.skills,
            "loaded": self.loaded,
            "apis": {"total": self.total("api"), "isError": self.is_error, **{o: self.get("api", o) for o in OUTCOMES}},
            "cards": {"total": self.total("card"), **{o: self.get("card", o) for o in OUTCOMES}},
            "harness": self.harness,
        }


@dataclass
class PackageTally:
    """One package: where it is, whether it loaded, and its skills."""

    path: str  # as shown (relative to the working directory when under it)
    load_error: str | None = None  # "load failed: ..." (wxreplay's error about the package)
    harness_error: str | None = None  # the loader crashed: the traceback
    skills: list[SkillTally] = field(default_factory=list)
    cards_run: bool = True  # False: the cards were left out (``--no-cards``)

    def counts(self) -> Counts:
        """The package's counts."""
        c = Counts(skills=len(self.skills), loaded=sum(s.load_error is None for s in self.skills))
        c.load_harness = int(self.harness_error is not None)
        for skill in self.skills:
            for item in skill.items:
                c.by[(item.kind, item.outcome)] = c.by.get((item.kind, item.outcome), 0) + 1
                c.is_error += item.is_error
        return c

    def to_dict(self) -> dict[str, Any]:
        """The package as JSON data."""
        out: dict[str, Any] = {"path": self.path, "counts": self.counts().to_dict()}
        if self.load_error is not None:
            out["loadError"] = self.load_error
        if self.harness_error is not None:
            out["harnessError"] = self.harness_error
        out["skills"] = [
            {
                "name": s.name,
                "listed": s.listed,
                **({"loadError": s.load_error} if s.load_error is not None else {}),
                **({"undeclared": s.undeclared} if s.undeclared else {}),
                "items": [i.to_dict() for i in s.items],
            }
            for s in self.skills
        ]
        return out


# ---- the report ---------------------------------------------------------------------------------

_COLUMNS = ("kind", "total", "ran", "isError", "needs-rec", "needs-dev", "failed", "skipped", "harness")


def _rows(label: str, loaded: str, c: Counts, *, cards: bool) -> list[list[str]]:
    api = [str(x) for x in (c.total("api"), c.get("api", "ran"), c.is_error)]
    api += [str(c.get("api", o)) for o in OUTCOMES[1:-1]] + [str(c.get("api", "harness") + c.load_harness)]
    card = [str(c.total("card")), str(c.get("card", "ran")), "-"] + [str(c.get("card", o)) for o in OUTCOMES[1:]]
    if not cards:
        card = ["not run"] + [""] * (len(card) - 1)
    return [[label, loaded, "apis", *api], ["", "", "cards", *card]]


def _table(rows: list[list[str]]) -> str:
    header = ["package", "loaded", *_COLUMNS]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = []
    for r in [header, *rows]:
        cells = [r[0].ljust(widths[0]), r[1].ljust(widths[1]), r[2].ljust(widths[2])]
        cells += [cell.rjust(w) for cell, w in zip(r[3:], widths[3:], strict=True)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def _loaded(package: PackageTally, c: Counts) -> str:
    if package.harness_error is not None:
        return "crashed"
    if package.load_error is not None:
        return "failed"
    return f"{c.loaded}/{c.skills}"


def render_report(packages: Sequence[PackageTally], *, verbose: bool = False) -> str:
    """The table (two rows per package: APIs and cards, then the total) and the details of every item that did not
    simply run (``verbose``: every item)."""
    total = Counts()
    rows: list[list[str]] = []
    for package in packages:
        c = package.counts()
        total.add(c)
        rows += _rows(package.path, _loaded(package, c), c, cards=package.cards_run)
    cards = any(p.cards_run for p in packages) or not packages
    rows += _rows(
        f"TOTAL ({len(packages)} package{'' if len(packages) == 1 else 's'})",
        f"{total.loaded}/{total.skills}",
        total,
        cards=cards,
    )
    out = [_table(rows)]
    details: list[str] = []
    for package in packages:
        lines: list[str] = []
        if package.load_error is not None:
            lines.append(f"  {package.load_error}")
        if package.harness_error is not None:
            lines.append("  harness error while loading:")
            lines += [f"    {line}" for line in package.harness_error.splitlines()]
        for skill in package.skills:
            if skill.load_error is not None:
                lines.append(f"  skill {skill.name}: {skill.load_error}")
            elif not skill.listed and package.counts().skills > 0 and any(s.listed for s in package.skills):
                lines.append(f"  skill {skill.name}: not listed in app.json, run as a skill directory")
            if skill.undeclared:
                lines.append(
                    f"  skill {skill.name}: registered in index.js but not declared in mcp.json (the platform never "
                    f"calls them): {', '.join(skill.undeclared)}"
                )
            for item in skill.items:
                if item.outcome == "ran" and not item.detail and not verbose:
                    continue
                what = "ran (isError)" if item.is_error else item.outcome
                head = f"  {skill.name} {item.kind} {item.name}: {what}"
                if item.outcome == "harness":
                    lines.append(head)
                    lines += [f"    {line}" for line in item.detail.splitlines()]
                else:
                    lines.append(f"{head}{': ' + item.detail if item.detail else ''}")
        if lines:
            details.append(package.path)
            details += lines
    if details:
        out += ["", *details]
    verdict = (
        f"{total.harness} harness error(s): wxreplay itself failed (see the tracebacks above)"
        if total.harness
        else "no harness error"
    )
    out += ["", verdict]
    return "\n".join(out) + "\n"


def report_data(packages: Sequence[PackageTally]) -> dict[str, Any]:
    """The tally as JSON data: every package (counts, load error, skills and items) and the total."""
    total = Counts()
    for package in packages:
        total.add(package.counts())
    return {"packages": [p.to_dict() for p in packages], "total": total.to_dict()}
