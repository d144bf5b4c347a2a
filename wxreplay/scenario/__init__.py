"""Scenarios: YAML conversations a QA engineer writes, loaded into frozen dataclasses.

``load_scenario("scenarios/latte.scenario.yaml", project=project)`` reads one file with a safe
YAML loader, checks its shape (every error names file:line:column, shows the YAML and the fix)
and, given the project, checks it against the skill (API names, ``inputSchema``, cards).
``scenario_schema()`` is the JSON Schema of the format for editors.
"""

from wxreplay.errors import ScenarioError
from wxreplay.scenario.model import (
    CallStep,
    CardCheck,
    CloudSetup,
    DeviceSetup,
    ErrorCheck,
    EventTurn,
    Expect,
    MessageCheck,
    MessageTurn,
    RenderStep,
    ReplyStep,
    Save,
    Scenario,
    Source,
    Step,
    TapTurn,
    Turn,
    UserTurn,
)
from wxreplay.scenario.parse import (
    DEFAULT_SUFFIX,
    collect_files,
    load_scenario,
    load_scenarios,
    parse_device,
    parse_duration,
    parse_scenario,
)
from wxreplay.scenario.schema import scenario_schema, schema_text
from wxreplay.scenario.templating import RESULT_FIELDS, extract, substitute
from wxreplay.scenario.validate import component_name, validate_scenario

__all__ = [
    "DEFAULT_SUFFIX",
    "RESULT_FIELDS",
    "CallStep",
    "CardCheck",
    "CloudSetup",
    "DeviceSetup",
    "ErrorCheck",
    "EventTurn",
    "Expect",
    "MessageCheck",
    "MessageTurn",
    "RenderStep",
    "ReplyStep",
    "Save",
    "Scenario",
    "ScenarioError",
    "Source",
    "Step",
    "TapTurn",
    "Turn",
    "UserTurn",
    "collect_files",
    "component_name",
    "extract",
    "load_scenario",
    "load_scenarios",
    "parse_device",
    "parse_duration",
    "parse_scenario",
    "scenario_schema",
    "schema_text",
    "substitute",
    "validate_scenario",
]
