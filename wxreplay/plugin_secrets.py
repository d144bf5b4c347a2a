"""The pytest side of "it never leaks": every report of a session goes through the run's secrets.

A pytest session is one run (:mod:`wxreplay.cassette.runsecrets`): it starts with the
``[tool.wxreplay.redact]`` rules of the rootdir's pyproject.toml and an empty table, which the
cassettes of its tests fill. Each test report is masked before pytest shows or writes it: the
failure text (scenario reports, cassette misses, assertion diffs), its one-line message, and the
captured stdout/stderr/log sections, so the terminal, ``--junitxml`` and pytest-xdist's transfer
carry placeholders only.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from _pytest._code.code import ReprFileLocation

from wxreplay.errors import UsageError


def pytest_sessionstart(session: pytest.Session) -> None:
    """Start the run's secret table with the rootdir's ``[tool.wxreplay.redact]`` rules."""
    from wxreplay.cassette.redact import rules_from_pyproject
    from wxreplay.cassette.runsecrets import run_secrets

    try:
        rules = rules_from_pyproject(session.config.rootpath / "pyproject.toml")
    except UsageError as e:
        raise pytest.UsageError(str(e)) from None
    run_secrets().reset(rules)


class MaskedRepr:
    """A failure representation with the run's secrets masked (what pytest prints and JUnit stores)."""

    def __init__(self, text: str, crash: ReprFileLocation | None) -> None:
        self.text = text
        self.reprcrash = crash

    def toterminal(self, tw: Any) -> None:
        """Write the masked text, line by line, as pytest writes a failure."""
        for line in self.text.splitlines():
            tw.line(line)

    def __str__(self) -> str:
        return self.text


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Mask the report of every test phase: its failure text, crash message and captured sections."""
    outcome = yield
    report: pytest.TestReport = outcome.get_result()  # type: ignore[attr-defined]
    mask_report(report)


def mask_report(report: pytest.TestReport) -> None:
    """Replace every known or secret-shaped value in ``report`` by its placeholder (in place)."""
    from wxreplay.cassette.runsecrets import run_secrets

    mask = run_secrets().mask_text
    longrepr = report.longrepr
    if longrepr is not None and not isinstance(longrepr, tuple):  # a tuple: a skip's (file, line, reason)
        text = str(longrepr)
        masked = mask(text)
        if masked != text:
            crash = getattr(longrepr, "reprcrash", None)
            if crash is not None:
                crash = ReprFileLocation(crash.path, crash.lineno, mask(crash.message))
            report.longrepr = MaskedRepr(masked, crash)  # type: ignore[assignment]
    report.sections = [(title, mask(content)) for title, content in report.sections]
