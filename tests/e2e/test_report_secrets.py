"""Issue 18: the HTML report goes through the run's secret masking (secrets-lab, planted secrets).

The secrets-lab skill is recorded against its local service on a free port (as in test_secrets.py),
then, with the service stopped, ``wxreplay report`` and ``pytest --wx-report`` write reports of a
passing and a failing scenario: no planted value is in either file or in anything they printed,
and the placeholders are.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from secrets_service import config_js, plant, serve
from test_secrets import LAB, _cli, _leaks, _scenario


def test_the_report_holds_no_planted_secret(pytester: pytest.Pytester) -> None:
    planted = plant()
    root = pytester.path
    shutil.copytree(LAB, root / "skills" / "secrets-lab")
    scenarios = root / "scenarios"
    scenarios.mkdir()
    (scenarios / "lab.scenario.yaml").write_text(_scenario(planted), encoding="utf-8")
    pytester.makeini("[pytest]\n")
    with serve(planted) as base:
        (root / "skills" / "secrets-lab" / "utils" / "config.js").write_text(config_js(base, planted), encoding="utf-8")
        pytester.runpytest_subprocess("--wx-record", "once", "--snapshot-update").assert_outcomes(passed=1)

    failing = _scenario(planted, "expect: {structuredContent: {sentPhone: '000'}}").replace("秘密不外泄", "强制失败")
    (scenarios / "fail.scenario.yaml").write_text(failing, encoding="utf-8")
    outputs: dict[str, str] = {}

    done = _cli(root, "report", "scenarios", "-o", "cli.html")
    outputs["wxreplay report"] = done.stdout + done.stderr
    assert done.returncode == 1, outputs["wxreplay report"]
    replayed = pytester.runpytest_subprocess("--wx-report", "pytest.html")
    outputs["pytest --wx-report"] = replayed.stdout.str() + replayed.stderr.str()
    replayed.assert_outcomes(passed=1, failed=1)

    for name in ("cli.html", "pytest.html"):
        html = (root / name).read_text(encoding="utf-8")
        outputs[name] = html
        assert html.count('data-status="passed"') == 1 and html.count('data-status="failed"') == 1
        assert "&lt;redacted:" in html  # the transcripts are shown, masked
        assert '<td class="path">turn 3 › profile › structuredContent.sentPhone</td>' in html  # the failure's diff
    assert _leaks(planted, outputs) == []
    assert not [p for p in Path(root).rglob("*.html") if p.name not in ("cli.html", "pytest.html")]
