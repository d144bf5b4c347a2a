"""The availability table enforced where skill code cannot reach: on the Python side of the effect channel.

The JS shims only offer the APIs a context may use, but skill code can forge an internal effect
call (``__wr.effect('request', ...)``) from any context. Every effect is checked here against the
official table (:mod:`wxreplay.host.availability`) before the host sees it.
"""

from __future__ import annotations

from typing import Any

from wxreplay.findings import Finding
from wxreplay.host import availability
from wxreplay.host.availability import PAYMENT_IN_API_WARNING, ContextKind

_WARNING_CODE = "api-context-warning"  # wx.js emits the same code when the shim is used


def check_effect(
    kind: ContextKind, name: str, step_findings: list[dict[str, Any]], into: list[Finding], api: str | None
) -> str | None:
    """Check effect ``name`` made in ``kind``; append findings to ``into``; the reason it is denied, or None.

    ``step_findings`` are the findings the JS side sent in the same step: the shim of an API with
    a warning (requestPayment in an atomic API) reports it there, and a forged call does not.
    """
    root = name.split(".", 1)[0]
    if root not in availability.available(kind):
        into.append(
            Finding(
                "forbidden-effect",
                f"the {kind.label} made a wx.{name} host call, which the official availability table does "
                f"not allow there; wxreplay refused it (the call was forged past the wx shim)",
                level="error",
                api=api,
                context=kind.value,
            )
        )
        return f"not available in the {kind.label}"
    warning = availability.warnings_for(kind).get(root)
    if warning is not None:
        api_name = "wx." + root
        seen = [f for f in step_findings if f.get("code") == _WARNING_CODE and f.get("api") == api_name]
        if not seen:
            into.append(Finding(_WARNING_CODE, PAYMENT_IN_API_WARNING, api=api, context=kind.value))
    return None
