"""Registration facts from the runtime: load ``index.js`` in the API context, as a session does.

Which names ``index.js`` registers, with what, through ``createSkill(path)`` or not, is what the V8
runtime records while ``index.js`` runs with the recording ``wx.modelContext`` (see
:class:`wxreplay.runtime.scheduler.Runtime`); no regular expression over the source can know it
(a loop over a table of handlers registers names no literal spells).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from wxreplay.errors import WxReplayError
from wxreplay.findings import Finding
from wxreplay.project import Project, Skill
from wxreplay.session import Session

__all__ = ["RuntimeFacts", "load_facts"]


@dataclass
class RuntimeFacts:
    """What one load of ``index.js`` did: the registered names, the runtime's findings, or the load error."""

    registered: tuple[str, ...] = ()
    handler_types: dict[str, str] = field(default_factory=dict)  # name -> typeof handler, as registerAPI saw it
    findings: list[Finding] = field(default_factory=list)
    error: WxReplayError | None = None


def _no_network(request: httpx.Request) -> httpx.Response:
    # Linting never talks to a server: module-level code that sends a request sees it fail.
    raise httpx.ConnectError("the linter sends no request", request=request)


def load_facts(project: Project, skill: Skill) -> RuntimeFacts:
    """Boot a session for ``skill``, read what its ``index.js`` registered, and close it."""
    try:
        session = Session(project, skill.name, transport=httpx.MockTransport(_no_network))
    except WxReplayError as e:
        return RuntimeFacts(error=e)
    try:
        types = {
            str(e.args.get("name")): str(e.args.get("handlerType"))
            for e in session.events
            if e.name == "modelContext.registerAPI" and isinstance(e.args, dict)
        }
        return RuntimeFacts(registered=session.registered, handler_types=types, findings=list(session.findings))
    finally:
        session.close()
