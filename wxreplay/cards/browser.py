"""Headless Chromium, run as a plain subprocess: PNG screenshots of cards and overflow measurement.

No webdriver, no network: Chromium gets a fresh profile, every background service switched off, a
host resolver that resolves nothing, and the page gets a Content-Security-Policy that blocks every
network load (remote images show as their WXSS background, like a card whose image has not loaded).
That keeps runs fast and repeatable on a machine without network.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from wxreplay.errors import WxReplayError

INSTALL_HINT = "install it: apt-get install chromium"
TIMEOUT_S = 60.0
MEASURE_ID = "wxreplay-measure"

_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_FIXED_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")

_BASE_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--disable-dev-shm-usage",
    "--mute-audio",
    "--hide-scrollbars",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--force-color-profile=srgb",
)

_CSP = (
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; img-src data:; '
    "font-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">"
)

# Runs after layout (and again once fonts and images settled); writes JSON into <pre id=wxreplay-measure>.
_MEASURE_SCRIPT = """<script>
(function () {
  function measure() {
    var card = document.getElementById("wxr-card");
    var content = document.getElementById("wxr-card-content") || card;
    var out = document.getElementById("%(id)s");
    if (!out) { out = document.createElement("pre"); out.id = "%(id)s"; out.hidden = true; document.body.appendChild(out); }
    var max = card ? parseFloat(card.getAttribute("data-card-max-height")) : NaN;
    out.textContent = JSON.stringify({
      contentHeight: content ? Math.max(content.scrollHeight, Math.ceil(content.getBoundingClientRect().height)) : null,
      maxHeight: isNaN(max) ? null : max,
      cardHeight: card ? card.getBoundingClientRect().height : null
    });
  }
  measure();
  window.addEventListener("load", function () {
    measure();
    if (document.fonts && document.fonts.ready) { document.fonts.ready.then(measure); }
  });
})();
</script>"""


@dataclass(frozen=True)
class OverflowReport:
    """Like the platform's ``NotificationType.Overflow`` payload: px heights, ``overflow_height`` > 0 = clipped."""

    content_height: int
    max_height: int
    overflow_height: int

    @property
    def clipped(self) -> bool:
        return self.overflow_height > 0


def find_chromium() -> str | None:
    """The path of a Chromium/Chrome executable, or None when none is installed."""
    for name in _CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    for path in _FIXED_PATHS:
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def _require_chromium() -> str:
    exe = find_chromium()
    if exe is None:
        raise WxReplayError(
            "Chromium is needed to render cards to PNG or measure them, but it is not installed", hint=INSTALL_HINT
        )
    return exe


_BLANK_GIF = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"
_REMOTE_SRC = re.compile(r'(<img\b[^>]*?\s)src="(?!data:)([^"]*)"', re.IGNORECASE)


def _offline(html: str) -> str:
    """``html`` with the no-network CSP first in <head> and remote images replaced by a transparent pixel.

    A blocked image would show Chromium's broken-image icon; a transparent one shows the element's
    WXSS background, like a card whose image is still loading. The URL stays in ``data-wxr-src``.
    """
    html = _REMOTE_SRC.sub(lambda m: f'{m.group(1)}src="{_BLANK_GIF}" data-wxr-src="{m.group(2)}"', html)
    m = re.search(r"<head[^>]*>", html, re.IGNORECASE)
    if m:
        return html[: m.end()] + "\n" + _CSP + html[m.end() :]
    return _CSP + html


def _run(args: list[str], *, what: str, timeout: float) -> subprocess.CompletedProcess[str]:
    try:
        proc = subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=False, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as e:
        raise WxReplayError(
            f"Chromium did not finish {what} within {timeout:g} s",
            hint="check that the page has no endless script; run the command by hand: " + " ".join(args),
        ) from e
    except OSError as e:
        raise WxReplayError(f"could not start Chromium ({args[0]}): {e}", hint=INSTALL_HINT) from e
    if proc.returncode != 0:
        raise WxReplayError(
            f"Chromium failed {what} (exit code {proc.returncode}): {_tail(proc.stderr)}",
            hint="run the command by hand to see why: " + " ".join(args),
        )
    return proc


def _tail(text: str, lines: int = 8) -> str:
    kept = [ln for ln in text.strip().splitlines() if ln.strip()][-lines:]
    return "\n    ".join(kept) or "(no output)"


def _flags(profile: Path) -> list[str]:
    return [*_BASE_FLAGS, f"--user-data-dir={profile}"]


def screenshot(
    html: str, png_path: str | os.PathLike[str], *, width: int, height: int, scale: float = 1.0, timeout: float = TIMEOUT_S
) -> None:
    """Write a PNG of ``html`` at a ``width`` x ``height`` CSS px window (times ``scale`` device pixels)."""
    exe = _require_chromium()
    target = Path(png_path).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="wxreplay-chromium-") as tmp:
        page = Path(tmp) / "card.html"
        page.write_text(_offline(html), encoding="utf-8")
        shot = Path(tmp) / "shot.png"
        args = [
            exe,
            *_flags(Path(tmp) / "profile"),
            f"--window-size={width},{height}",
            f"--force-device-scale-factor={scale:g}",
            f"--screenshot={shot}",
            page.as_uri(),
        ]
        proc = _run(args, what="taking a screenshot", timeout=timeout)
        if not shot.is_file() or shot.stat().st_size == 0:
            raise WxReplayError(
                f"Chromium wrote no screenshot: {_tail(proc.stderr)}",
                hint="run the command by hand to see why: " + " ".join(args),
            )
        shutil.copyfile(shot, target)


def measure_overflow(html: str, *, timeout: float = TIMEOUT_S) -> OverflowReport:
    """Lay ``html`` (a page from :func:`wxreplay.cards.html.render_html`) out and report its card's overflow."""
    exe = _require_chromium()
    width = 393
    m = re.search(r'data-card-width="(\d+)"', html)
    if m:
        width = int(m.group(1))
    page_html = _offline(html)
    idx = page_html.lower().rfind("</body>")
    script = _MEASURE_SCRIPT % {"id": MEASURE_ID}
    page_html = page_html[:idx] + script + page_html[idx:] if idx >= 0 else page_html + script
    with tempfile.TemporaryDirectory(prefix="wxreplay-chromium-") as tmp:
        page = Path(tmp) / "card.html"
        page.write_text(page_html, encoding="utf-8")
        args = [
            exe,
            *_flags(Path(tmp) / "profile"),
            f"--window-size={width},{max(width, 200)}",
            "--virtual-time-budget=2000",
            "--dump-dom",
            page.as_uri(),
        ]
        proc = _run(args, what="measuring the card", timeout=timeout)
    found = re.search(rf'<pre[^>]*id="{MEASURE_ID}"[^>]*>(.*?)</pre>', proc.stdout, re.DOTALL)
    if not found:
        raise WxReplayError(
            "Chromium returned the page without the measurement (did the page's scripts run?): " + _tail(proc.stderr),
            hint="render the page with wxreplay.cards.html.render_html",
        )
    try:
        data = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    except ValueError as e:
        raise WxReplayError(f"unreadable measurement from Chromium: {found.group(1)[:200]!r}") from e
    if data.get("contentHeight") is None or data.get("maxHeight") is None:
        raise WxReplayError(
            "the page has no card container (#wxr-card with data-card-max-height)",
            hint="render the page with wxreplay.cards.html.render_html",
        )
    content = round(float(data["contentHeight"]))
    max_h = round(float(data["maxHeight"]))
    return OverflowReport(content_height=content, max_height=max_h, overflow_height=max(0, content - max_h))
