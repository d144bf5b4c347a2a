"""A scenario's ``device:`` set-up turned into the simulated device a run uses.

The scenario model (:mod:`wxreplay.scenario.model`) only says what the file says; the simulated
phone and cloud (:mod:`wxreplay.host`) only simulate. This module sits above both and converts the
one into the other, so neither layer imports the other.
"""

from __future__ import annotations

import copy
import datetime as dt
import zoneinfo
from pathlib import Path
from typing import Any

from wxreplay.errors import LocatedError, ScenarioError, UsageError
from wxreplay.host.cloud import CloudState
from wxreplay.host.device import DEFAULT_START, Device, parse_time
from wxreplay.host.network_script import NetworkScript
from wxreplay.scenario import parse_device
from wxreplay.scenario.loader import parse_yaml
from wxreplay.scenario.model import CloudSetup, DeviceSetup, Scenario
from wxreplay.source import display_path, read_text

__all__ = ["build_device", "cloud_state", "device_for", "parse_device_option", "tz_offset_min"]


def device_for(scenario: Scenario, defaults: DeviceSetup | None = None) -> Device:
    """A fresh :class:`Device` set up as the scenario's ``device:`` says, over ``defaults`` (``--device``).

    See :meth:`DeviceSetup.with_defaults` for how the two merge.
    """
    return build_device(scenario.device.with_defaults(defaults))


def build_device(setup: DeviceSetup) -> Device:
    """A fresh :class:`Device` for one run (everything deep-copied: a run never changes the set-up)."""
    kwargs: dict[str, Any] = {
        "storage": copy.deepcopy(setup.storage),
        "payments": copy.deepcopy(list(setup.payments)),
        "system": copy.deepcopy(setup.system),
        "stubs": copy.deepcopy(setup.stubs),
    }
    if setup.location is not None:
        kwargs["location"] = None if setup.location == "denied" else copy.deepcopy(setup.location)
    if setup.phone_number is not None:
        kwargs["phone_number"] = None if setup.phone_number == "denied" else copy.deepcopy(setup.phone_number)
    for name in ("login_code", "login_fail", "session_valid", "seed", "start_time", "locale", "app_id"):
        value = getattr(setup, name)
        if value is not None:
            kwargs[name] = value
    if setup.timezone is not None:
        kwargs["timezone"] = setup.timezone
        kwargs["tz_offset_min"] = tz_offset_min(setup.timezone, setup.start_time)
    if setup.cloud is not None:
        kwargs["cloud"] = cloud_state(setup.cloud)
    if setup.network is not None:
        kwargs["network"] = NetworkScript.from_dict(setup.network)
    return Device(**kwargs)


def cloud_state(setup: CloudSetup) -> CloudState:
    """A fresh :class:`CloudState` from ``device.cloud`` (deep copies: a run never changes the scenario)."""
    extra: dict[str, Any] = {}
    if setup.env is not None:
        extra["env"] = setup.env
    if setup.openid is not None:
        extra["openid"] = setup.openid
    return CloudState(
        collections=copy.deepcopy(setup.collections),
        functions=copy.deepcopy(setup.functions),
        files=copy.deepcopy(setup.files),
        ai=copy.deepcopy(setup.ai),
        **extra,
    )


def tz_offset_min(timezone: str, start_time: str | None) -> int:
    """JavaScript's ``getTimezoneOffset()`` (minutes *behind* UTC) of ``timezone`` at ``start_time``."""
    zone = zoneinfo.ZoneInfo(timezone)
    at = dt.datetime.fromtimestamp(parse_time(start_time or DEFAULT_START) / 1000, tz=dt.UTC).astimezone(zone)
    offset = at.utcoffset() or dt.timedelta(0)
    return -int(offset.total_seconds() // 60)


def parse_device_option(value: str, *, option: str = "--device") -> DeviceSetup:
    """The device description of a command-line option: inline JSON, or ``@file.yaml`` / ``@file.json``.

    Both are read by the scenario's own ``device:`` parser (:func:`wxreplay.scenario.parse_device`),
    so they take every key a scenario's ``device:`` takes and fail with the same located errors:
    ``--device:1:12: unknown key ...`` for inline JSON, ``device.yaml:6:3: ...`` for a file. Raises
    :class:`UsageError` (the command line is wrong: exit status 2) carrying that message.
    """
    if not value.startswith("@"):
        return _parsed(value, option)
    path = Path(value[1:])
    label = display_path(path)
    if not value[1:]:
        raise UsageError(f"{option} @: no file named", hint=f"write {option} @device.yaml (a file of device: keys)")
    try:
        text = read_text(path, label=f"{option} @{label}", missing_hint="check the path (relative to the working directory)")
    except LocatedError as e:  # a missing, binary or non-UTF-8 file
        raise UsageError(str(e)) from None
    # A block copied from a scenario with its `device:` line: say so at that line rather than
    # "unknown key `device`".
    try:
        doc = parse_yaml(text, file=label)
    except ScenarioError as e:
        raise UsageError(str(e)) from None
    if isinstance(doc.data, dict) and list(doc.data) == ["device"]:
        line = doc.span(("device",), key=True).line
        raise UsageError(
            f"{label}:{line}: the file holds a `device:` key; {option} @FILE takes what goes under it",
            hint=f"remove the `device:` line and un-indent its keys (storage, cloud, location ...) in {label}",
        )
    return _parsed(text, label)


def _parsed(text: str, file: str) -> DeviceSetup:
    try:
        return parse_device(text, file=file)
    except ScenarioError as e:
        raise UsageError(str(e)) from None
