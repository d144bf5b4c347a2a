"""Load a Mini Program project (``app.json``) and its AI skills (``mcp.json``, components).

This module only *reads* the project: it turns ``app.json``, each skill's ``mcp.json`` and the
files around them into frozen dataclasses, and raises :class:`~wxreplay.errors.ProjectError` with
file, line and a fix for anything that stops a skill from being run at all (malformed JSON, a
missing ``index.js``, an API without ``inputSchema``...). Everything that is merely *wrong by the
platform's rules* (no ``SKILL.md``, a skill outside an independent subpackage, a dangling
``componentPath``) loads fine and is left to the linter, which can find the original values in the
``raw`` fields.

Where the platform's sources disagree (platform-spec §0.1) both forms are accepted:

- handoff page: ``apis[]._meta.ui.pagePath`` (preferred) or the [INT] top-level ``apis[].pagePath``;
- card page: ``components[].relatedPage`` (preferred) or the [INT] ``components[].pagePath``;
- realtime cards: ``permissions["scope.dynamic"]``, its old name ``scope.network``, or [INT]
  ``realtime: true``;
- page metadata: ``app.json agent.pageMetadata`` (preferred) or [INT] top-level ``pageMetadata``.

Paths kept in the dataclasses are posix strings relative to the project root (or to the skill
directory, for ``componentPath``); page paths carry a leading ``/`` and ``Project.pages`` none,
mirroring how ``app.json`` and ``mcp.json`` write them.

The package reads one file family per module: :mod:`~wxreplay.project.declarations` (the frozen
declarations), :mod:`~wxreplay.project.skill` (a loaded skill), :mod:`~wxreplay.project.skill_loader`
(``mcp.json``, ``SKILL.md``, ``index.js``), :mod:`~wxreplay.project.app_loader` (``app.json``),
:mod:`~wxreplay.project.model` (:class:`Project`: load + describe) and
:mod:`~wxreplay.project.cache` (:func:`load_project`, a project reused while its files are unchanged).
"""

from __future__ import annotations

from wxreplay.project.cache import load_project
from wxreplay.project.declarations import DEFAULT_EXPIRED_TEXT, ApiDecl, ComponentDecl, SubPackage
from wxreplay.project.model import Project
from wxreplay.project.skill import Skill

__all__ = ["DEFAULT_EXPIRED_TEXT", "ApiDecl", "ComponentDecl", "Project", "Skill", "SubPackage", "load_project"]
