"""The scenario format stands below the simulated device: it imports none of the engine that runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from wxreplay import wx_api_names
from wxreplay.host import availability, cloud
from wxreplay.scenario.parse import host_api_names

ROOT = Path(__file__).resolve().parents[3]
HIGHER = ("wxreplay.host", "wxreplay.runtime", "wxreplay.cards", "wxreplay.session", "wxreplay.cassette")


def test_loading_scenarios_imports_nothing_above_the_format() -> None:
    code = (
        "import json, sys\n"
        "from wxreplay.scenario import load_scenario\n"
        "load_scenario('scenarios/latte-less-sugar.scenario.yaml')\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    loaded = json.loads(out)
    assert "wxreplay.scenario.parse" in loaded  # the check looks at a real load
    assert [m for m in loaded if m.startswith(HIGHER)] == []


def test_the_names_table_is_the_hosts() -> None:
    # The host decides availability from the same lists; the cloud host answers exactly the cloud names.
    assert availability.known() == wx_api_names.known()
    assert sorted(cloud.handlers(cloud.CloudState(), seed=0, clock=lambda: 0)) == sorted(wx_api_names.CLOUD)
    assert set(host_api_names()) == {*availability.known(), *wx_api_names.CLOUD}
