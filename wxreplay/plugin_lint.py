"""``pytest --wx-lint``: lint the project under test once per session, as one test that fails with the findings.

The option (or the ini key ``wxreplay_lint = true``) adds a single item, ``wxreplay-lint``, at the
start of the run. It lints ``--wx-project`` / ``wxreplay_project`` with the project's
``[tool.wxreplay.lint]`` settings and fails when ``wxreplay lint`` would exit 1 (errors; warnings
too with ``strict``); the failure shows the same text report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from wxreplay.plugin_state import STATE

_HELP = "lint the project under test once (wxreplay lint) and fail on its findings"


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--wx-lint`` and the ini key ``wxreplay_lint``."""
    group = parser.getgroup("wxreplay", "wxreplay: scenario files, cassettes and snapshots")
    group.addoption("--wx-lint", action="store_true", default=None, dest="wxreplay_lint", help=_HELP)
    parser.addini("wxreplay_lint", _HELP, type="bool", default=False)


def _enabled(config: pytest.Config) -> bool:
    option = config.getoption("wxreplay_lint")
    return bool(option if option is not None else config.getini("wxreplay_lint"))


class LintFailed(Exception):
    """The project has findings at or above the threshold: the message is the text report."""


class LintItem(pytest.Item):
    """The one ``wxreplay-lint`` test of a session."""

    def __init__(self, *, project: Path | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.project = project

    def runtest(self) -> None:
        """Lint the configured project; fail with the report when it does not pass."""
        from wxreplay.errors import UsageError
        from wxreplay.lint import all_rules, fails, lint_paths, read_settings
        from wxreplay.lint.report_text import format_text

        if self.project is None:
            raise LintFailed("--wx-lint needs the project: pass --wx-project PATH or set wxreplay_project in the ini file")
        try:
            settings = read_settings([self.project], all_rules())
        except UsageError as e:
            raise LintFailed(str(e)) from None
        run = lint_paths([self.project], settings)
        if run.crashes:
            raise LintFailed("wxreplay lint crashed:\n" + "\n".join(f"{c.rule}: {c.error}" for c in run.crashes))
        if fails(run.report, strict=settings.strict):
            raise LintFailed(format_text(run.report))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        """The lint report itself, not a traceback."""
        if isinstance(excinfo.value, LintFailed):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo, style=style))

    def reportinfo(self) -> tuple[Path | str, int | None, str]:
        return self.project or self.path, None, "wxreplay lint"


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    """With ``--wx-lint``, put the lint item first (once per session)."""
    if not _enabled(config):
        return
    state = config.stash.get(STATE, None)
    items.insert(0, LintItem.from_parent(session, name="wxreplay-lint", project=state.project if state else None))
