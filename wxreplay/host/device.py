"""The simulated phone: storage that outlives sessions, and the scripted answers of its host APIs."""

from __future__ import annotations

import copy
import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from wxreplay.errors import WxReplayError
from wxreplay.host.cloud import CloudState
from wxreplay.host.network_script import NetworkScript

DEFAULT_START = "2026-01-05T09:30:00+08:00"


def parse_time(value: str | int | float | dt.datetime) -> int:
    """Milliseconds since the epoch from an ISO-8601 string (offset required), a datetime or a number."""
    if isinstance(value, bool):
        raise WxReplayError(f"start time {value!r} is not a time")
    if isinstance(value, (int, float)):
        return int(value)
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError as e:
            raise WxReplayError(f"start time {value!r} is not ISO-8601", hint="write e.g. 2026-01-05T09:30:00+08:00") from e
    if value.tzinfo is None:
        raise WxReplayError(f"start time {value.isoformat()} has no UTC offset", hint="add one, e.g. +08:00")
    return int(value.timestamp() * 1000)


@dataclass
class Device:
    """One simulated device. Storage persists across sessions; everything else is a script.

    ``payments`` are consumed in order ("success", "cancel", "fail" or
    ``{"outcome": "fail", "errMsg": ...}``); once used up every payment succeeds. ``location`` and
    ``phone_number`` set to ``None`` mean the user denied them. ``stubs`` answers any other host
    API by name: a success object, ``{"fail": "errMsg"}``, or a list consumed call by call.
    ``cloud`` is the device's in-memory ``wx.cloud`` environment (collections, functions, files, AI
    replies); like storage it outlives sessions. ``network`` scripts failed requests (offline, a
    host that refuses or does not resolve, a timeout); ``None`` lets every request through.
    """

    storage: dict[str, Any] = field(default_factory=dict)
    login_code: str | None = None
    login_fail: str | None = None
    session_valid: bool = True
    payments: list[Any] = field(default_factory=list)
    location: dict[str, Any] | None = field(
        default_factory=lambda: {
            "latitude": 22.540503,
            "longitude": 113.934528,
            "speed": 0,
            "accuracy": 30,
            "altitude": 0,
            "verticalAccuracy": 0,
            "horizontalAccuracy": 30,
        }
    )
    phone_number: dict[str, Any] | None = field(default_factory=lambda: {"code": "phone-code-0001"})
    seed: int = 20260105
    start_time: str | int = DEFAULT_START
    timezone: str = "Asia/Shanghai"
    tz_offset_min: int = -480  # JS getTimezoneOffset(): minutes *behind* UTC
    locale: str = "zh-CN"
    app_id: str = "wx0000000000000000"
    system: dict[str, dict[str, Any]] = field(default_factory=dict)
    stubs: dict[str, Any] = field(default_factory=dict)
    cloud: CloudState = field(default_factory=CloudState)
    network: NetworkScript | None = None

    def __post_init__(self) -> None:
        # Kept as JSON text, exactly what every context sees, so all contexts agree byte for byte.
        self._storage_text: dict[str, str] = {}
        for key, value in self.storage.items():
            self._storage_text[key] = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        self.storage_version = 0
        self._payment_index = 0
        self._stub_calls: dict[str, int] = {}
        self._sessions = 0
        self._answered: dict[str, int] = {}

    def next_ordinal(self, name: str) -> int:
        """How often host API ``name`` was answered on this device before (0, 1, ...), across sessions."""
        n = self._answered.get(name, 0)
        self._answered[name] = n + 1
        return n

    def next_session(self) -> int:
        """The ordinal of a session starting on this device (0, 1, ...): later sessions differ from the first."""
        n = self._sessions
        self._sessions += 1
        return n

    # ---- storage -----------------------------------------------------------------------------
    def storage_text(self) -> dict[str, str]:
        return self._storage_text

    def apply_storage_ops(self, ops: list[dict[str, Any]]) -> None:
        if not ops:
            return
        for op in ops:
            kind = op["op"]
            if kind == "set":
                self._storage_text[op["key"]] = op["value"]
            elif kind == "remove":
                self._storage_text.pop(op["key"], None)
            elif kind == "clear":
                self._storage_text.clear()
        self.storage_version += 1

    def get_storage(self) -> dict[str, Any]:
        """The device's storage as Python values (what ``getStorageSync`` would return)."""
        return {k: json.loads(v) for k, v in self._storage_text.items()}

    def set_storage(self, key: str, value: Any) -> None:
        self._storage_text[key] = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        self.storage_version += 1

    # ---- scripts ------------------------------------------------------------------------------
    def next_payment(self) -> Any:
        if self._payment_index < len(self.payments):
            outcome = self.payments[self._payment_index]
            self._payment_index += 1
            return outcome
        return "success"

    def next_stub(self, name: str) -> Any:
        value = self.stubs[name]
        if isinstance(value, list):
            i = self._stub_calls.get(name, 0)
            self._stub_calls[name] = i + 1
            return copy.deepcopy(value[min(i, len(value) - 1)])
        return copy.deepcopy(value)

    def start_ms(self) -> int:
        return parse_time(self.start_time)

    def info(self) -> dict[str, Any]:
        """The fixed system information of the simulated phone (an iPhone 15 on WeChat 8.0.75)."""
        width, height, ratio = 393, 852, 3
        device = {
            "brand": "iPhone",
            "model": "iPhone 15",
            "system": "iOS 18.1",
            "platform": "ios",
            "benchmarkLevel": 1,
            "abi": "arm64",
            "deviceAbi": "arm64",
            "cpuType": "apple",
            "memorySize": 6144,
        }
        window = {
            "pixelRatio": ratio,
            "screenWidth": width,
            "screenHeight": height,
            "windowWidth": width,
            "windowHeight": height,
            "statusBarHeight": 47,
            "screenTop": 0,
            "safeArea": {"left": 0, "right": width, "top": 47, "bottom": height - 34, "width": width, "height": height - 81},
        }
        app = {
            "SDKVersion": "3.16.2",
            "version": "8.0.75",
            "language": "zh_CN",
            "theme": "light",
            "enableDebug": False,
            "host": {"env": "WeChat", "appId": ""},
            "fontSizeSetting": 17,
        }
        over = self.system
        return {
            "deviceInfo": {**device, **over.get("deviceInfo", {})},
            "windowInfo": {**window, **over.get("windowInfo", {})},
            "appBaseInfo": {**app, **over.get("appBaseInfo", {})},
            "systemSetting": {
                "bluetoothEnabled": True,
                "locationEnabled": True,
                "wifiEnabled": True,
                "deviceOrientation": "portrait",
                **over.get("systemSetting", {}),
            },
            "accountInfo": {"miniProgram": {"appId": self.app_id, "envVersion": "develop", "version": ""}, "plugin": {}},
            "enterOptions": {"scene": 1001, "path": "", "query": {}, "referrerInfo": {}, "apiCategory": "default"},
            "env": {"USER_DATA_PATH": "wxfile://usr"},
        }
