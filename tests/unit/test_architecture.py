"""The import graph of ``wxreplay/``: no cycle anywhere, and no layer imports one above it.

Every import statement that runs counts: module level and inside functions. Imports under
``if TYPE_CHECKING:`` only name types for mypy: they never run, so they can form no import cycle and
put no code of a higher layer under a lower one (the one serializer names the records it turns into
data that way, while the records call it). They are still read, and pytest may not appear even
there. Relative imports are resolved, and ``from pkg import name`` counts as importing ``pkg.name``
when that is a module, else ``pkg``.

The layers follow the data flow of the design notes (scenario -> planner -> session -> runtime ->
host -> transcript), read as "who may import whom": a module imports its own layer and the layers
below it, never one above; groups sharing a rank (``scenario`` and ``host``) may not import each
other either. The pytest plugin and the CLI sit on top, and only ``plugin*.py`` import pytest.
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

import wxreplay

PACKAGE_DIR = Path(wxreplay.__file__).parent

# Bottom to top: each rank maps group names to module patterns ("pkg.*" is the package and
# everything in it; anything else is one module). A module may import its own group and every
# group of a lower rank; never a higher rank, nor another group of its own rank.
LAYERS: Sequence[Mapping[str, tuple[str, ...]]] = (
    {
        "foundation": (
            "wxreplay.errors",
            "wxreplay.diagnostic",
            "wxreplay.findings",
            "wxreplay.source",
            "wxreplay.jsonfile",
            "wxreplay.tomltext",  # TOML parsed once per text (pyproject.toml is read for every scenario)
            "wxreplay.jsstack",
            "wxreplay.plainyaml",
            "wxreplay.facts",
            "wxreplay.content_echo",  # does a result's content repeat its structuredContent (run time; lint has WXR413)
            "wxreplay.serialize",  # names the records it turns into data for mypy only; they call it
            "wxreplay.record_mode",
            "wxreplay.wx_api_names",
            "wxreplay.cloud_errors",  # wx.cloud errCodes: the cloud host uses them, the scenario parser checks stubs
            "wxreplay.config",  # pytest's rootdir and inifile, found without pytest: the CLI and the plugin share it
            "wxreplay.keywords",  # pytest's -k expressions, for wxreplay run
            "wxreplay.shard",  # the deterministic CI split of a suite (--shard, --wx-shard)
            "wxreplay.network",  # the network policy: the one gate between a session and the network
            "wxreplay.term",  # colours, display widths, a closed pipe: what every command prints through
        )
    },
    {"project": ("wxreplay.project.*", "wxreplay.result")},  # the loaders of a skill and the shapes its APIs return
    {"scenario": ("wxreplay.scenario.*",), "host": ("wxreplay.host.*",)},
    {
        "cassette": ("wxreplay.cassette.*",),
        "runtime": ("wxreplay.runtime.*",),
        "device_setup": ("wxreplay.device_setup",),  # a scenario's device: words -> the simulated device
    },
    {"cards": ("wxreplay.cards.*",)},
    {"session": ("wxreplay.session",)},
    {"transcript": ("wxreplay.transcript", "wxreplay.expect", "wxreplay.snapshot.*")},
    {"lifecycle": ("wxreplay.lifecycle",)},  # pure session-lifecycle rules: the planner asks, it knows no session
    {
        "planner": (
            "wxreplay.cursor",
            "wxreplay.checks",
            "wxreplay.planner",
            "wxreplay.tap_target",
            "wxreplay.tap_suggest",  # the taps a failure report suggests, as scenario YAML
            "wxreplay.card_messages",
        )
    },
    {"runner": ("wxreplay.runner", "wxreplay.conversation")},  # conversation: the old import path, re-exports
    {
        "prune": ("wxreplay.prune",),  # replays scenarios to find unused recordings
        "tally": (
            "wxreplay.tally",
            "wxreplay.tally_run",
            "wxreplay.tally_report",
            "wxreplay.tally_args",
        ),  # runs every API and card of skill packages, counts outcomes
        "report": (
            "wxreplay.report_run",
            "wxreplay.report_cards",
            "wxreplay.report_html",
            "wxreplay.coverage",
        ),  # replays scenarios into masked entries: the HTML report and the coverage table
    },
    {"scaffold": ("wxreplay.scaffold", "wxreplay.scaffold_init")},  # scenario files written from mcp.json (new, init)
    {"lint": ("wxreplay.lint.*",)},  # static rules over the project, cards and JS; loads index.js through a Session
    {"facade": ("wxreplay",)},
    {
        "cli": (
            "wxreplay.cli",
            "wxreplay.cli_run",
            "wxreplay.cli_failure",
            "wxreplay.chat",  # wxreplay chat: the command loop and saving
            "wxreplay.chat_args",
            "wxreplay.chat_driver",
            "wxreplay.chat_yaml",
            "wxreplay.scaffold_cli",  # wxreplay new / init
            "wxreplay.cli_progress",  # wxreplay run's verdict lines: counter, colours, -q
            "wxreplay.cli_describe",  # wxreplay describe's tables
            "wxreplay.cli_scan",  # what wxreplay scan checked
            "wxreplay.__main__",  # python -m wxreplay
            "wxreplay.report_command",  # wxreplay report / coverage
        ),
        "plugin": (
            "wxreplay.plugin",
            "wxreplay.plugin_items",
            "wxreplay.plugin_state",
            "wxreplay.plugin_http",
            "wxreplay.plugin_secrets",
            "wxreplay.plugin_lint",
            "wxreplay.plugin_report",
        ),
    },
)

# Only these modules may import pytest (the engine runs without it).
PYTEST_USERS = (
    "wxreplay.plugin",
    "wxreplay.plugin_items",
    "wxreplay.plugin_state",
    "wxreplay.plugin_http",
    "wxreplay.plugin_secrets",
    "wxreplay.plugin_lint",
    "wxreplay.plugin_report",
)
PYTEST_MODULES = ("pytest", "_pytest")

# Known exceptions to the layers, each with its reason; a stale entry fails the test. Empty: the
# restructuring of issue 11 removed the last ones, and nothing else may be allowed.
PENDING: frozenset[tuple[str, str]] = frozenset()


# ---- the checker ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Import:
    """One module importing another (internal or not), where it says so."""

    importer: str
    imported: str
    file: Path
    line: int
    type_only: bool = False  # under ``if TYPE_CHECKING:``: never runs

    def where(self) -> str:
        return f"{self.file.name}:{self.line}"


def module_names(package_dir: Path) -> dict[str, Path]:
    """Every module of the package under ``package_dir`` by dotted name (a package by its own name)."""
    root = package_dir.parent
    out: dict[str, Path] = {}
    for file in sorted(package_dir.rglob("*.py")):
        parts = list(file.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = file
    return out


def imports_of(module: str, file: Path, modules: Mapping[str, Path]) -> list[Import]:
    """Every import statement of ``module`` (anywhere in the file), resolved to module names."""
    is_package = file.name == "__init__.py"
    tree = ast.parse(file.read_text(encoding="utf-8"), str(file))
    type_only = {
        id(n) for block in ast.walk(tree) if _is_type_checking_block(block) for stmt in block.body for n in ast.walk(stmt)
    }
    found: list[Import] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [Import(module, alias.name, file, node.lineno, id(node) in type_only) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                # from . import x: relative to the module's package (a package is its own)
                package = module.split(".") if is_package else module.split(".")[:-1]
                base = package[: len(package) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                sub = f"{source}.{alias.name}"
                found.append(Import(module, sub if sub in modules else source, file, node.lineno, id(node) in type_only))
    return found


def _is_type_checking_block(node: ast.AST) -> bool:
    """``if TYPE_CHECKING:`` or ``if typing.TYPE_CHECKING:`` (its body, not an ``else:``)."""
    if not isinstance(node, ast.If):
        return False
    test = node.test
    name = test.id if isinstance(test, ast.Name) else test.attr if isinstance(test, ast.Attribute) else None
    return name == "TYPE_CHECKING"


def import_graph(package_dir: Path) -> tuple[dict[str, Path], list[Import]]:
    """The package's modules and all their imports."""
    modules = module_names(package_dir)
    edges = [imp for name, file in modules.items() for imp in imports_of(name, file, modules)]
    return modules, sorted(edges, key=lambda e: (e.importer, e.line, e.imported))


def find_cycles(modules: Iterable[str], edges: Iterable[Import]) -> list[list[str]]:
    """One cycle (``[a, b, ..., a]``) through every strongly connected group of modules."""
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for e in edges:
        if e.imported in graph and e.importer in graph:
            graph[e.importer].add(e.imported)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def connect(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.add(w)
                if w == v:
                    break
            if len(group) > 1 or v in graph[v]:
                groups.append(group)

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return [_cycle_in(group, graph) for group in sorted(groups, key=min)]


def _cycle_in(group: set[str], graph: Mapping[str, set[str]]) -> list[str]:
    """The shortest cycle from the group's first module back to itself (breadth first)."""
    start = min(group)
    paths = {start: [start]}
    queue = [start]
    while queue:
        v = queue.pop(0)
        for w in sorted(graph[v] & group):
            if w == start:
                return paths[v] + [start]
            if w not in paths:
                paths[w] = paths[v] + [w]
                queue.append(w)
    raise AssertionError(f"no cycle through {start}")  # pragma: no cover - a group always has one


def layer_of(module: str, layers: Sequence[Mapping[str, tuple[str, ...]]]) -> tuple[int, str] | None:
    """``(rank, group)`` of ``module`` in ``layers``, or None when no pattern names it."""
    for rank, groups in enumerate(layers):
        for group, patterns in groups.items():
            for pattern in patterns:
                package = pattern.removesuffix(".*")
                if module == package or (pattern.endswith(".*") and module.startswith(package + ".")):
                    return rank, group
    return None


def layer_problems(modules: Iterable[str], edges: Iterable[Import], layers: Sequence[Mapping[str, tuple[str, ...]]]) -> list[str]:
    """A line per module placed in no layer and per import of a higher layer or a sibling group."""
    known = set(modules)
    problems = [
        f"{m} is in no layer: add it to LAYERS where the data flow puts it" for m in sorted(known) if layer_of(m, layers) is None
    ]
    for e in edges:
        if e.imported not in known:
            continue
        mine, theirs = layer_of(e.importer, layers), layer_of(e.imported, layers)
        if mine is None or theirs is None or mine == theirs:
            continue
        if theirs[0] > mine[0]:
            problems.append(f"{e.importer} ({mine[1]}) imports {e.imported} ({theirs[1]}), a higher layer, at {e.where()}")
        elif theirs[0] == mine[0]:
            problems.append(
                f"{e.importer} ({mine[1]}) imports {e.imported} ({theirs[1]}), an independent group of "
                f"the same rank, at {e.where()}"
            )
    return problems


def external_problems(edges: Iterable[Import], banned: Sequence[str], allowed_importers: Sequence[str]) -> list[str]:
    """A line per import of a ``banned`` top-level package by a module not in ``allowed_importers``."""
    return [
        f"{e.importer} imports {e.imported} at {e.where()}"
        for e in edges
        if e.imported.split(".")[0] in banned and e.importer not in allowed_importers
    ]


def architecture_problems(
    package_dir: Path, layers: Sequence[Mapping[str, tuple[str, ...]]], pending: frozenset[tuple[str, str]] = frozenset()
) -> list[str]:
    """Everything wrong with the package's import graph; ``pending`` edges are left out (and must exist)."""
    modules, edges = import_graph(package_dir)
    present = {(e.importer, e.imported) for e in edges}
    problems = [
        f"PENDING allows {a} -> {b}, which no longer exists: remove it from PENDING" for a, b in sorted(pending - present)
    ]
    kept = [e for e in edges if (e.importer, e.imported) not in pending and not e.type_only]
    problems += ["import cycle: " + " -> ".join(cycle) for cycle in find_cycles(modules, kept)]
    problems += layer_problems(modules, kept, layers)
    return problems


# ---- wxreplay itself -------------------------------------------------------------------------------


def test_wxreplay_has_no_import_cycle_and_respects_its_layers() -> None:
    problems = architecture_problems(PACKAGE_DIR, LAYERS, PENDING)
    assert not problems, "the import graph of wxreplay/ is broken:\n  " + "\n  ".join(problems)


def test_only_the_plugin_imports_pytest() -> None:
    _, edges = import_graph(PACKAGE_DIR)
    problems = external_problems(edges, PYTEST_MODULES, PYTEST_USERS)
    assert not problems, "the engine must run without pytest:\n  " + "\n  ".join(problems)
    # and the plugin really does, so the check above looks at real edges
    assert {e.importer for e in edges if e.imported == "pytest"} >= {"wxreplay.plugin", "wxreplay.plugin_items"}


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        ("wxreplay.scenario.model", "wxreplay.host.device"),
        ("wxreplay.scenario.parse", "wxreplay.runtime.scheduler"),
        ("wxreplay.scenario.validate", "wxreplay.cards.card"),
        ("wxreplay.scenario.model", "wxreplay.session"),
        ("wxreplay.scenario.schema", "wxreplay.cassette.recorder"),
        ("wxreplay.runtime.scheduler", "wxreplay.cards.runtime"),
        ("wxreplay.runtime.context", "wxreplay.session"),
        ("wxreplay.runtime.scheduler", "wxreplay.conversation"),
        ("wxreplay.host.base", "wxreplay.runtime.engine"),
        ("wxreplay.host.cloud", "wxreplay.cards.tree"),
        ("wxreplay.host.device", "wxreplay.session"),
        ("wxreplay.session", "wxreplay.cli"),
        ("wxreplay.conversation", "wxreplay.plugin"),
        ("wxreplay.cassette.recorder", "wxreplay.runtime.scheduler"),
    ],
)
def test_the_layer_table_forbids_the_imports_issue_11_names(tmp_path: Path, importer: str, imported: str) -> None:
    """The rules hold by the table itself, not by chance of today's imports."""
    edge = Import(importer, imported, tmp_path / "x.py", 1)
    assert layer_problems([importer, imported], [edge], LAYERS) != []


def test_nothing_in_the_engine_imports_the_cli_or_the_plugin() -> None:
    _, edges = import_graph(PACKAGE_DIR)
    top = {"wxreplay.cli", *PYTEST_USERS}
    entry = {"wxreplay.__main__"}  # python -m wxreplay: the CLI's other door, no engine
    bad = [
        f"{e.importer} imports {e.imported} at {e.where()}" for e in edges if e.imported in top and e.importer not in top | entry
    ]
    assert not bad, "\n".join(bad)


# ---- the checker fails when it should --------------------------------------------------------------


def make_package(root: Path, files: Mapping[str, str]) -> Path:
    """A package ``pkg`` under ``root`` with ``files`` (relative path -> source)."""
    for rel, source in {"pkg/__init__.py": "", **files}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source), encoding="utf-8")
    return root / "pkg"


TOY_LAYERS: Sequence[Mapping[str, tuple[str, ...]]] = (
    {"base": ("pkg.base",)},
    {"low": ("pkg.low.*",), "side": ("pkg.side",)},
    {"high": ("pkg.high",)},
    {"facade": ("pkg",)},
)


def test_a_clean_toy_package_passes(tmp_path: Path) -> None:
    pkg = make_package(
        tmp_path,
        {
            "pkg/base.py": "",
            "pkg/low/__init__.py": "from . import impl\n",
            "pkg/low/impl.py": "from .. import base\n",
            "pkg/side.py": "import pkg.base\n",
            "pkg/high.py": "from pkg.low import impl\nfrom pkg import side\n",
        },
    )
    assert architecture_problems(pkg, TOY_LAYERS) == []


def test_the_checker_fails_on_a_cycle_and_prints_it(tmp_path: Path) -> None:
    pkg = make_package(
        tmp_path,
        {
            "pkg/base.py": "",
            "pkg/low/__init__.py": "",
            "pkg/low/a.py": "from pkg.low import b\n",
            "pkg/low/b.py": "def late():\n    from .c import f\n",
            "pkg/low/c.py": "import typing\nif typing.TYPE_CHECKING:\n    pass\nelse:\n    from pkg.low.a import g\n",
            "pkg/side.py": "",
            "pkg/high.py": "",
        },
    )
    assert architecture_problems(pkg, TOY_LAYERS) == ["import cycle: pkg.low.a -> pkg.low.b -> pkg.low.c -> pkg.low.a"]


def test_type_only_imports_form_no_cycle_and_cross_no_layer(tmp_path: Path) -> None:
    type_only = (
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.high import Record\n    from pkg.low.a import g\n"
    )
    pkg = make_package(
        tmp_path,
        {
            "pkg/base.py": type_only,
            "pkg/low/__init__.py": "",
            "pkg/low/a.py": "from pkg import base\n",
            "pkg/side.py": "",
            "pkg/high.py": "from pkg import base\n",
        },
    )
    assert architecture_problems(pkg, TOY_LAYERS) == []
    (pkg / "base.py").write_text(type_only.replace("if TYPE_CHECKING:", "if True:"), encoding="utf-8")
    assert architecture_problems(pkg, TOY_LAYERS) == [
        "import cycle: pkg.base -> pkg.high -> pkg.base",
        "pkg.base (base) imports pkg.high (high), a higher layer, at base.py:3",
        "pkg.base (base) imports pkg.low.a (low), a higher layer, at base.py:4",
    ]


def test_the_checker_fails_on_a_package_init_cycle(tmp_path: Path) -> None:
    pkg = make_package(
        tmp_path,
        {
            "pkg/base.py": "",
            "pkg/side.py": "",
            "pkg/high.py": "",
            "pkg/low/__init__.py": "from pkg.low.parse import load\n",
            "pkg/low/parse.py": "from pkg.low import Thing\n",  # a name, not a module: the package itself
        },
    )
    assert architecture_problems(pkg, TOY_LAYERS) == ["import cycle: pkg.low -> pkg.low.parse -> pkg.low"]


def test_the_checker_fails_on_a_layer_violation_and_names_the_line(tmp_path: Path) -> None:
    pkg = make_package(
        tmp_path,
        {
            "pkg/base.py": "import json\n\ndef f():\n    import pkg.high\n",
            "pkg/low/__init__.py": "",
            "pkg/low/impl.py": "from pkg import side\n",
            "pkg/side.py": "",
            "pkg/high.py": "",
        },
    )
    assert architecture_problems(pkg, TOY_LAYERS) == [
        "pkg.base (base) imports pkg.high (high), a higher layer, at base.py:4",
        "pkg.low.impl (low) imports pkg.side (side), an independent group of the same rank, at impl.py:1",
    ]


def test_the_checker_fails_on_an_unplaced_module_and_a_stale_pending_entry(tmp_path: Path) -> None:
    pkg = make_package(tmp_path, {"pkg/base.py": "", "pkg/side.py": "", "pkg/high.py": "", "pkg/extra.py": ""})
    assert architecture_problems(pkg, TOY_LAYERS, frozenset({("pkg.high", "pkg.base")})) == [
        "PENDING allows pkg.high -> pkg.base, which no longer exists: remove it from PENDING",
        "pkg.extra is in no layer: add it to LAYERS where the data flow puts it",
    ]


def test_pending_hides_only_its_own_edge(tmp_path: Path) -> None:
    pkg = make_package(
        tmp_path,
        {
            "pkg/base.py": "from pkg import high\nfrom pkg import side\n",
            "pkg/side.py": "",
            "pkg/high.py": "",
        },
    )
    assert architecture_problems(pkg, TOY_LAYERS, frozenset({("pkg.base", "pkg.high")})) == [
        "pkg.base (base) imports pkg.side (side), a higher layer, at base.py:2",
    ]


def test_the_checker_finds_pytest_outside_the_plugin(tmp_path: Path) -> None:
    pkg = make_package(
        tmp_path,
        {
            "pkg/base.py": "from _pytest.fixtures import fixture\n",
            "pkg/plugin.py": "import pytest\n",
            "pkg/high.py": "def f():\n    import pytest.mark\n",
        },
    )
    _, edges = import_graph(pkg)
    assert external_problems(edges, PYTEST_MODULES, ("pkg.plugin",)) == [
        "pkg.base imports _pytest.fixtures at base.py:1",
        "pkg.high imports pytest.mark at high.py:2",
    ]


def test_session_composes_its_runtime_and_card_host_instead_of_inheriting_them() -> None:
    from wxreplay.session import Session

    assert Session.__bases__ == (object,)
