"""The run's secrets: one table secret -> placeholder that every output of a run goes through.

A run (one ``wxreplay`` command, one pytest session) keeps a single :class:`RunSecrets`. Every
cassette publishes what its redactor learns (recorded secrets, and the live values replay aligned
with the recording's placeholders), and every sink masks its output with it: cassettes, snapshots,
``--json`` transcripts, ``-v`` lines, failure reports, cassette-miss messages and JUnit text. So a
value redacted anywhere in a run is masked everywhere in that run, with the placeholder the
cassette shows.

Output data (a transcript, a snapshot) is redacted with the full rules (names, shapes, origins) by
:meth:`RunSecrets.mask_data`; printed text with :meth:`RunSecrets.mask_text` (known secrets, secret
shapes and ``name=value`` pairs). :meth:`RunSecrets.gate` is the scanner's last word before a file
is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wxreplay.cassette.redact import Redactor
from wxreplay.cassette.rules import DEFAULT_RULES, RedactionRules
from wxreplay.cassette.scan import LineMemo, SecretHit, hits_error, scan_cassette_text

__all__ = ["RunSecrets", "SecretsLeftError", "run_secrets"]

#: How many line judgements :meth:`RunSecrets.gate` keeps, of lines up to GATE_MEMO_LINE_CHARS long (so
#: at most ~25 MB; a suite's snapshots hold far fewer distinct lines). Past it the memo starts again:
#: only work is lost, never a hit.
GATE_MEMO_LINES = 50_000
GATE_MEMO_LINE_CHARS = 500


class SecretsLeftError(Exception):
    """A file would still hold something that looks like a secret: nothing was written."""

    def __init__(self, message: str, hint: str, hits: list[SecretHit]) -> None:
        super().__init__(f"{message}\n  fix: {hint}")
        self.hits = hits


class RunSecrets:
    """The secret -> placeholder table of one run, and the masking of its outputs."""

    def __init__(self, rules: RedactionRules | None = None) -> None:
        self.rules = rules if rules is not None else DEFAULT_RULES
        self._redactor = Redactor(self.rules)
        # The last text the scanner passed, with the rules it passed under: a snapshot is gated twice
        # per test (before the comparison prints a diff, and when syrupy writes it), with the same text.
        self._passed: tuple[str, RedactionRules] | None = None
        # The scanner's judgement of each (line, enclosing key) under these rules, across the run's files:
        # the snapshots of one skill's scenarios share most of their lines (the example's nine: 70 %).
        self._gate_memo: LineMemo = {}
        self._gate_memo_rules = self.rules

    def reset(self, rules: RedactionRules | None = None) -> None:
        """Start a new run (a pytest session, a CLI command) with ``rules``: the table starts empty."""
        self.rules = rules if rules is not None else DEFAULT_RULES
        self._redactor = Redactor(self.rules)
        self._passed = None
        self._gate_memo = {}
        self._gate_memo_rules = self.rules

    def publish(self, mapping: Mapping[str, str]) -> None:
        """Add ``secret -> placeholder`` pairs (a secret already known keeps its placeholder)."""
        self._redactor.adopt(mapping, count=False)

    def attach(self, redactor: Redactor) -> None:
        """Publish what ``redactor`` knows now and whatever it learns from now on."""
        self.publish(redactor.table)
        redactor.on_learn(lambda value, placeholder: self.publish({value: placeholder}))

    @property
    def table(self) -> dict[str, str]:
        """A copy of the run's table secret -> placeholder."""
        return self._redactor.table

    def mask_text(self, text: str) -> str:
        """``text`` with the run's secrets, secret shapes and secret ``name=value`` pairs replaced."""
        return self._redactor.redact_text(text) if text else text

    def mask_data(self, data: Any) -> Any:
        """A redacted copy of plain ``data`` (a transcript, a snapshot): the run's placeholders for known
        secrets, new ones numbered after the placeholders ``data`` already holds."""
        redactor = Redactor(self.rules)
        redactor.adopt(self.table, count=False)
        redactor.seed([data])
        out = redactor.redact(data)
        self.publish(redactor.table)
        return out

    def gate(self, text: str, file: str, what: str) -> None:
        """Raise :class:`SecretsLeftError` when the scanner still finds a secret in ``text`` about to become ``file``."""
        passed = self._passed
        if passed is not None and passed[1] is self.rules and passed[0] == text:
            return  # the scan is a function of the text and the rules: the same text passes again
        if self._gate_memo_rules is not self.rules or len(self._gate_memo) > GATE_MEMO_LINES:
            self._gate_memo = {}  # a judgement holds under the rules it was made with only
            self._gate_memo_rules = self.rules
        hits = scan_cassette_text(text, file, rules=self.rules, memo=self._gate_memo, memo_line_chars=GATE_MEMO_LINE_CHARS)
        if hits:
            message, hint = hits_error(hits, what)
            raise SecretsLeftError(self.mask_text(message), hint, hits)
        self._passed = (text, self.rules)


_RUN = RunSecrets()


def run_secrets() -> RunSecrets:
    """The secrets of the current run (one per process; the CLI and the pytest plugin reset it at their start)."""
    return _RUN
