"""Scripted host APIs: login, payment, location, phone number and the generic stubs.

Nothing here touches the outside world: every answer comes from the ``Device`` script, and never
a real payment.
"""

from __future__ import annotations

import hashlib
from typing import Any

from wxreplay.host.base import Handler, HostCall, HostOutcome
from wxreplay.host.device import Device


def _stable_code(device: Device, call: HostCall, prefix: str) -> str:
    # Deterministic per device seed and call ordinal, shaped like a real 32-char login code. The
    # ordinal counts on the device, not the session: a restarted session must not reuse a code.
    digest = hashlib.sha256(f"{device.seed}:{call.name}:{device.next_ordinal(call.name)}".encode()).hexdigest()
    return f"{prefix}{digest[: 32 - len(prefix)]}"


def login(device: Device) -> Handler:
    def handle(call: HostCall) -> HostOutcome:
        if device.login_fail:
            return HostOutcome.fail("login", device.login_fail)
        code = device.login_code or _stable_code(device, call, "0c3")
        return HostOutcome.success("login", {"code": code})

    return handle


def check_session(device: Device) -> Handler:
    def handle(call: HostCall) -> HostOutcome:
        if device.session_valid:
            return HostOutcome.success("checkSession")
        return HostOutcome.fail("checkSession", "session expired")

    return handle


_PAY_REQUIRED = ("timeStamp", "nonceStr", "package", "paySign")


def request_payment(device: Device) -> Handler:
    """Scripted WeChat Pay: checks the parameters like the client does, then plays the outcome."""

    def handle(call: HostCall) -> HostOutcome:
        args = call.args if isinstance(call.args, dict) else {}
        missing = [k for k in _PAY_REQUIRED if not args.get(k)]
        if missing:
            return HostOutcome.fail(
                call.name,
                f"parameter error: {', '.join(missing)} missing",
                diagnostic=f"wx.{call.name} needs {', '.join(_PAY_REQUIRED)} from the merchant's prepay order",
            )
        outcome: Any = device.next_payment()
        if isinstance(outcome, dict):
            kind, err = str(outcome.get("outcome", "success")), outcome.get("errMsg")
        else:
            kind, err = str(outcome), None
        if kind == "success":
            return HostOutcome.success(call.name)
        if kind == "cancel":
            return HostOutcome.fail(call.name, err or "cancel")
        return HostOutcome.fail(call.name, err or "system error")

    return handle


def location(device: Device) -> Handler:
    def handle(call: HostCall) -> HostOutcome:
        if device.location is None:
            return HostOutcome.fail(call.name, "auth deny")
        loc = dict(device.location)
        if call.name == "getFuzzyLocation":
            loc = {"latitude": round(loc["latitude"], 2), "longitude": round(loc["longitude"], 2)}
        return HostOutcome.success(call.name, loc)

    return handle


def phone_number(device: Device) -> Handler:
    def handle(call: HostCall) -> HostOutcome:
        if device.phone_number is None:
            return HostOutcome.fail(call.name, "user deny")
        return HostOutcome.success(call.name, dict(device.phone_number))

    return handle


def stubs(device: Device) -> Handler:
    """Any other available host API: answered from ``device.stubs`` or failed with the fix."""

    def handle(call: HostCall) -> HostOutcome:
        if call.name not in device.stubs:
            return HostOutcome.fail(
                call.name,
                "wxreplay has no scripted result for this API",
                diagnostic=f"wx.{call.name} was called but nothing is scripted for it; add a result "
                f"under the device's stubs: {{'{call.name}': {{...}}}}",
            )
        value = device.next_stub(call.name)
        if isinstance(value, dict) and "fail" in value:
            return HostOutcome.fail(call.name, str(value["fail"]))
        return HostOutcome.success(call.name, value if isinstance(value, dict) else {"result": value})

    return handle
