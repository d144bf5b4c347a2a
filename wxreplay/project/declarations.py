"""The declarations a project is made of: ``mcp.json`` APIs and components, ``app.json`` subpackages.

Plain frozen data, and the two path normalisations every loader applies to what the JSON files
write (``./a//b/`` -> ``a/b``; ``pages/x`` -> ``/pages/x``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

__all__ = ["DEFAULT_EXPIRED_TEXT", "ApiDecl", "ComponentDecl", "SubPackage", "norm_page", "norm_rel"]

#: Overlay text of an expired card when ``expiredText`` is not given (platform-spec §2).
DEFAULT_EXPIRED_TEXT = "服务已过期"


@dataclass(frozen=True)
class ApiDecl:
    """One entry of ``mcp.json`` ``apis[]``."""

    name: str
    description: str  # "" when missing: the linter reports it, calling the API still works
    input_schema: dict[str, Any]
    output_schema: dict[str, Any] | None
    component_path: str | None  # _meta.ui.componentPath, relative to the skill dir, no extension
    page_path: str | None  # _meta.ui.pagePath or [INT] apis[].pagePath, with a leading "/"
    raw: dict[str, Any]  # the entry as written, for checks that need exact strings (V015, V017)


@dataclass(frozen=True)
class ComponentDecl:
    """One entry of ``mcp.json`` ``components[]`` (or the defaults for an undeclared card)."""

    path: str  # relative to the skill dir, e.g. "components/drink-list/index"
    related_page: str | None  # relatedPage or [INT] components[].pagePath, with a leading "/"
    dynamic: bool  # permissions["scope.dynamic"] / legacy "scope.network" / [INT] realtime: true
    dynamic_desc: str | None
    expirable: bool
    expired_text: str
    raw: dict[str, Any]  # {} when the component is only named by an API's componentPath


@dataclass(frozen=True)
class SubPackage:
    """One ``app.json`` ``subPackages[]`` entry."""

    root: str  # posix, no leading or trailing "/"
    independent: bool
    pages: tuple[str, ...]  # as written, relative to ``root``


# -- helpers: paths -------------------------------------------------------------------------------


def norm_rel(path: str) -> str:
    """Posix form without "./" segments and without leading or trailing "/" ("./a//b/" -> "a/b")."""
    return str(PurePosixPath("/", path.replace("\\", "/").strip())).strip("/")


def norm_page(path: str) -> str:
    """Page path with exactly one leading "/" ("pages/x" -> "/pages/x"), query kept as written."""
    return "/" + path.strip().lstrip("/")
