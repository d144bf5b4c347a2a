"""Fixtures for the scenario format: write a scenario to a temp file, load it, or get its error."""

from __future__ import annotations

import textwrap
import unicodedata
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest

from wxreplay import Project
from wxreplay.errors import ScenarioError
from wxreplay.scenario import Scenario, load_scenario, scenario_schema

# The fixtures are inputs of the loader tests, not runnable scenarios: the pytest plugin must not collect them
# (the runnable versions, fixed and with recorded cassettes, are in scenarios/).
collect_ignore = ["fixtures"]

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "examples" / "westore-cafe"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def westore() -> Project:
    """The example project the fixtures drive."""
    return Project.load(EXAMPLE)


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """Write dedented YAML to ``tmp_path/<name>`` and return the path."""

    def write(text: str, name: str = "t.scenario.yaml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return write


@pytest.fixture
def load(write: Callable[..., Path]) -> Callable[..., Scenario]:
    """Load dedented scenario YAML (checked against ``project`` when given); it must satisfy the JSON Schema too."""
    validator = jsonschema.Draft7Validator(scenario_schema())

    def load(text: str, *, project: Project | None = None, name: str = "t.scenario.yaml") -> Scenario:
        scenario = load_scenario(write(text, name), project=project)
        assert scenario.doc is not None
        assert [e.message for e in validator.iter_errors(scenario.doc.data)] == [], "the JSON Schema rejects what loads"
        return scenario

    return load


@pytest.fixture
def fail(write: Callable[..., Path]) -> Callable[..., ScenarioError]:
    """The ScenarioError loading dedented YAML raises (fails the test if none)."""

    def fail(text: str, *, project: Project | None = None) -> ScenarioError:
        path = write(text)
        with pytest.raises(ScenarioError) as info:
            load_scenario(path, project=project)
        return info.value

    return fail


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


@pytest.fixture
def at() -> Callable[[ScenarioError, int, int], str]:
    """Assert an error is at ``line:column``: in its header, the marked excerpt line and the caret; return str(error)."""

    def at(error: ScenarioError, line: int, column: int) -> str:
        text = str(error)
        assert (error.line, error.column) == (line, column), text
        assert text.startswith(f"{error.file}:{line}:{column}: "), text
        assert error.excerpt, text
        lines = error.excerpt.splitlines()
        marked = next(ln for ln in lines if ln.lstrip().startswith(f"> {line} |"))
        caret = lines[-1]
        assert caret.strip().startswith("|") and caret.rstrip().endswith("^"), text
        source = marked.split(" | ", 1)[1] if " | " in marked else ""
        assert caret.index("^") - (caret.index("|") + 2) == _width(source[: column - 1]), text
        return text

    return at
