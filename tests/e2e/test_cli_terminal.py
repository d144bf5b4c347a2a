"""The command line as people run it: ``--version``, ``python -m wxreplay``, colours and a counter on a
terminal only (a real pseudo-terminal here), ``NO_COLOR`` / ``FORCE_COLOR`` / ``--color``, and a reader
that closes the pipe (``| head -1``, and a pipe already closed) ending the command without a traceback.

Every run is a subprocess over the example's committed scenarios, as a user types it.
"""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from collections.abc import Sequence
from importlib.metadata import version

import pytest
from e2e_support import ROOT

TWO = ["scenarios/latte-less-sugar.scenario.yaml", "scenarios/memory-warning.scenario.yaml"]
VERDICT = re.compile(r"^PASS (latte-less-sugar|memory-warning) \(\d+ ms\)$")


def environment(**extra: str) -> dict[str, str]:
    """Our environment without the colour switches a developer may have set, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM")}
    return {**env, "PYTHONIOENCODING": "utf-8", "TERM": "xterm-256color", **extra}


def piped(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``python -m wxreplay ARGS`` with stdout and stderr to pipes."""
    return subprocess.run(
        [sys.executable, "-m", "wxreplay", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        env=environment(**env),
        timeout=300,
    )


def on_terminal(args: Sequence[str], **env: str) -> tuple[int, str]:
    """``python -m wxreplay ARGS`` with stdout and stderr on a pseudo-terminal: its status and what the screen got."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "wxreplay", *args], stdout=slave, stderr=slave, cwd=ROOT, env=environment(**env)
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the process closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    code = proc.wait(timeout=300)
    os.close(master)
    return code, b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


# ---- --version and python -m wxreplay --------------------------------------------------------------


@pytest.mark.parametrize("module", ["wxreplay", "wxreplay.cli"])
def test_version_is_the_installed_package_version(module: str) -> None:
    done = subprocess.run([sys.executable, "-m", module, "--version"], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (0, f"wxreplay {version('wxreplay')}\n", "")


def test_python_m_wxreplay_is_the_same_command() -> None:
    done = piped("run", TWO[0])
    assert done.returncode == 0, done.stdout + done.stderr
    first, summary = done.stdout.splitlines()
    assert VERDICT.match(first) and summary == "1 passed, 0 failed"
    helped = piped("--help")
    assert helped.returncode == 0 and helped.stdout.startswith("usage: wxreplay ")


# ---- colours and the counter -----------------------------------------------------------------------


def test_a_terminal_gets_colours_and_a_counter() -> None:
    code, screen = on_terminal(["run", *TWO])
    assert code == 0, screen
    assert "\r\x1b[K\x1b[2m[1/2] latte-less-sugar …\x1b[0m" in screen  # the running line ...
    assert re.search(
        r"\r\x1b\[K\x1b\[32mPASS\x1b\[0m latte-less-sugar \(\d+ ms\) \x1b\[2m\[1/2\]\x1b\[0m\n", screen
    )  # ... replaced
    assert re.search(r"\x1b\[32mPASS\x1b\[0m memory-warning \(\d+ ms\) \x1b\[2m\[2/2\]\x1b\[0m\n", screen)
    assert screen.endswith("\x1b[32m2 passed\x1b[0m, 0 failed\n")


@pytest.mark.parametrize("switch", [{"NO_COLOR": "1"}, {"TERM": "dumb"}, {"FORCE_COLOR": "1", "NO_COLOR": "1"}])
def test_no_color_keeps_the_terminal_plain(switch: dict[str, str]) -> None:
    code, screen = on_terminal(["run", *TWO], **switch)
    assert code == 0, screen
    assert not re.search(r"\x1b\[[0-9;]+m", screen)  # no colour at all
    assert re.search(r"(\n|\x1b\[K)PASS memory-warning \(\d+ ms\) \[2/2\]\n", screen)  # still a terminal: the counter
    assert screen.endswith("\n2 passed, 0 failed\n")
    if switch.get("TERM") == "dumb":  # a terminal that cannot erase a line gets no running line
        assert "\x1b" not in screen and "\r" not in screen and "…" not in screen


def test_color_option_wins_over_the_environment() -> None:
    code, screen = on_terminal(["run", *TWO, "--color", "never"], FORCE_COLOR="1")
    assert code == 0 and not re.search(r"\x1b\[[0-9;]+m", screen)
    done = piped("run", *TWO, "--color", "always", NO_COLOR="1")
    assert done.returncode == 0 and "\x1b[32mPASS\x1b[0m latte-less-sugar" in done.stdout


def test_a_pipe_gets_exactly_what_tests_parse() -> None:
    done = piped("run", *TWO)
    assert done.returncode == 0, done.stderr
    *verdicts, summary = done.stdout.splitlines()
    assert len(verdicts) == 2 and all(VERDICT.match(v) for v in verdicts) and summary == "2 passed, 0 failed"
    assert "\x1b" not in done.stdout + done.stderr and "\r" not in done.stdout


def test_force_color_colours_a_pipe_without_the_counter() -> None:
    done = piped("run", *TWO, FORCE_COLOR="1")
    assert done.returncode == 0
    assert re.search(r"^\x1b\[32mPASS\x1b\[0m latte-less-sugar \(\d+ ms\)$", done.stdout, re.M)
    assert "[1/2]" not in done.stdout and "\r" not in done.stdout  # no terminal: nothing is rewritten
    assert piped("run", *TWO, FORCE_COLOR="0").stdout.count("\x1b") == 0


def test_verbose_shows_the_counter_in_a_pipe_after_the_verdict() -> None:
    done = piped("run", *TWO, "-v")
    assert done.returncode == 0
    verdicts = [line for line in done.stdout.splitlines() if line.startswith("PASS ")]
    assert [re.sub(r"\(\d+ ms\)", "(ms)", v) for v in verdicts] == [
        "PASS latte-less-sugar (ms) [1/2]",
        "PASS memory-warning (ms) [2/2]",
    ]
    assert "\x1b" not in done.stdout and "\r" not in done.stdout


def test_lint_uses_the_same_colour_rules() -> None:
    lab = "tests/skills/cards-lab"
    code, screen = on_terminal(["lint", lab])
    assert code == 1 and "\x1b[31m" in screen
    code, screen = on_terminal(["lint", lab], NO_COLOR="1")
    assert code == 1 and "\x1b[" not in screen
    forced = piped("lint", lab, FORCE_COLOR="1")
    assert forced.returncode == 1 and "\x1b[31m" in forced.stdout
    assert "\x1b[" not in piped("lint", lab).stdout


# ---- a reader that goes away -----------------------------------------------------------------------


def test_head_of_a_run_ends_it_quietly() -> None:
    script = f'"{sys.executable}" -m wxreplay run | head -1; echo "status=${{PIPESTATUS[0]}}" >&2'
    done = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, encoding="utf-8", cwd=ROOT, env=environment(), timeout=300
    )
    assert VERDICT.pattern and re.match(r"^PASS \S+ \(\d+ ms\)\n$", done.stdout), done.stdout
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr and "Exception ignored" not in done.stderr
    assert done.stderr.strip() == "status=141"


@pytest.mark.parametrize(
    "args",
    [
        ["run", *TWO],
        ["run", *TWO, "-v"],
        ["schema"],
        ["describe", "examples/westore-cafe"],
        ["describe", "examples/westore-cafe", "--json"],
        ["scan", "cassettes"],
        ["lint", "tests/skills/cards-lab"],
        [
            "call",
            "examples/westore-cafe",
            "searchDrinks",
            "--args",
            '{"keyword": "拿铁"}',
            "--cassette",
            "cassettes/call-searchDrinks.yaml",
        ],
        ["--help"],
    ],
    ids=lambda a: " ".join(a[:3]),
)
def test_a_pipe_closed_before_the_first_write_is_no_traceback(args: list[str]) -> None:
    read, write = os.pipe()
    os.close(read)  # the reader is gone before anything is written: the first write fails (EPIPE)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "wxreplay", *args],
            stdout=write,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            env=environment(),
            timeout=300,
        )
    finally:
        os.close(write)
    err = done.stderr.decode("utf-8")
    assert "Traceback" not in err and "BrokenPipe" not in err and "Exception ignored" not in err, err
    # argparse's help swallows the error itself; a clean scan writes nothing to stdout (its summary is on stderr)
    assert done.returncode == (0 if args[0] in ("--help", "scan") else 141), err
