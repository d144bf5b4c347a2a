"""The pytest plugin's state: its options, checked once, kept in ``config.stash[STATE]``.

Its own module so that :mod:`wxreplay.plugin` (the hooks) and :mod:`wxreplay.plugin_items` (the
scenario items) both read it without importing each other.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from wxreplay.config import RootConfig
    from wxreplay.record_mode import RecordMode
    from wxreplay.runner import RunOptions
    from wxreplay.scenario import DeviceSetup

__all__ = ["CALL_OUTCOME", "STATE", "WxConfig", "runnable_id"]


def runnable_id(config: pytest.Config, path: Path, nodeid: str) -> str:
    """``nodeid`` as an argument pytest accepts from the folder it was started in.

    A node id is relative to the rootdir; run from another folder, pytest would not find it. The
    file part is then made relative to the invocation folder (absolute when it lies outside), so a
    suggested ``pytest '<id>' --wx-record once`` records into the project's cassette, from there.
    """
    rest = nodeid.partition("::")[2]
    here = config.invocation_params.dir
    if here == config.rootpath:
        return nodeid
    try:
        shown = path.relative_to(here).as_posix()
    except ValueError:
        shown = path.as_posix()
    return f"{shown}::{rest}" if rest else shown


# name: (metavar or None for a flag, default, help) -> --wx-<name with -> and the wxreplay_<name> ini key
OPTIONS: dict[str, tuple[str | None, str | None, str]] = {
    "record": (
        "MODE",
        None,
        "cassette record mode: none (replay only, the default), once (record missing cassettes), "
        "new_episodes (record what is new), all (re-record); under CI only --wx-record can record",
    ),
    "project": ("PATH", None, "project root (app.json) or skill folder for scenarios that name none and for wx_project"),
    "skill": ("NAME", None, "skill to use when the project has several and the scenario names none"),
    "suffix": ("SUFFIX", ".scenario.yaml", "file name suffix of scenario files (default .scenario.yaml)"),
    "device": (
        "JSON",
        None,
        "default device set-up under every scenario's own `device:` (same keys), as JSON, "
        'e.g. \'{"timezone": "Asia/Shanghai", "seed": 7}\'',
    ),
    "strict": (None, None, "fail a scenario on warnings (bare instructions, outputSchema mismatches ...)"),
    "cassette_dir": (
        "DIR",
        None,
        "folder of the cassettes of scenarios and wx_session tests (default: <rootdir>/cassettes; in an ini file, "
        "relative to it)",
    ),
    "allow_network": (
        None,
        None,
        "let sessions without a cassette or transport reach the network (blocked by default outside recording)",
    ),
    "allowed_hosts": (
        "HOSTS",
        None,
        "comma-separated hosts (host or host:port) a recording may reach; default: any",
    ),
}


@dataclasses.dataclass
class WxConfig:
    """The options, checked once in ``pytest_configure``; lives in ``config.stash``."""

    record: str | None
    record_explicit: bool
    project: Path | None
    skill: str | None
    suffix: str
    device: DeviceSetup | None
    strict: bool
    cassette_dir: Path | None  # None: <root>/cassettes, the root found from each scenario file
    root: RootConfig | None = None  # pytest's rootdir and inifile (None when pytest found no inifile)
    snapshot_compact_bytes: int | None = None  # [tool.wxreplay] of <rootdir>/pyproject.toml; 0 with --wx-snapshot-full

    def run_options(self, nodeid: str) -> RunOptions:
        """The engine's options for one item (a cassette miss names the item and ``--wx-record``)."""
        from wxreplay.runner import RunOptions

        return RunOptions(
            record=self.record,
            record_explicit=self.record_explicit,
            project=self.project,
            skill=self.skill,
            cassette_dir=self.cassette_dir,
            strict=self.strict,
            suffix=self.suffix,
            device=self.device,
            record_command=f"pytest '{nodeid}' --wx-record {{mode}}",
            root=self.root,
        )

    def mode(self) -> RecordMode:
        from wxreplay.record_mode import resolve_mode

        return resolve_mode(self.record, explicit=self.record_explicit)


STATE = pytest.StashKey[WxConfig]()

# A test's call phase as the save policy needs it: (passed, xfailed, failed at a wxreplay error).
# Set by the ``pytest_runtest_makereport`` wrapper before fixtures are torn down, read by ``wx_session``.
CALL_OUTCOME = pytest.StashKey[tuple[bool, bool, bool]]()
