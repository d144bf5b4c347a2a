"""app.json, mcp.json and page-meta.json past the limits: huge numbers and deep nesting are located ProjectErrors."""

from __future__ import annotations

import functools
import json
import shutil
from pathlib import Path

import pytest

from wxreplay.errors import ProjectError
from wxreplay.jsonfile import read_json
from wxreplay.project import Project
from wxreplay.source import MAX_NESTING, MAX_NUMBER_DIGITS

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "westore-cafe"


def test_a_5000_digit_integer_is_a_located_error(tmp_path: Path) -> None:
    # Was: ValueError "Exceeds the limit (4300 digits) for integer string conversion".
    path = tmp_path / "a.json"
    path.write_text('{\n  "note": "9999",\n  "n": ' + "9" * 5000 + "\n}\n", encoding="utf-8")
    with pytest.raises(ProjectError) as info:
        read_json(path)
    assert (info.value.line, info.value.column) == (3, 8)
    assert f"a number written with 5,000 characters (at most {MAX_NUMBER_DIGITS:,} are read)" in str(info.value)


def test_a_long_float_is_a_located_error(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text("[1, 0." + "1" * 2000 + "]", encoding="utf-8")
    with pytest.raises(ProjectError) as info:
        read_json(path)
    assert (info.value.line, info.value.column) == (1, 5)


def test_deep_nesting_is_a_located_error(tmp_path: Path) -> None:
    # Was: RecursionError from json.loads.
    path = tmp_path / "a.json"
    path.write_text('{"s": "[[[[", "a":\n' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    with pytest.raises(ProjectError) as info:
        read_json(path)
    assert (info.value.line, info.value.column) == (2, MAX_NESTING)
    assert f"the JSON nests deeper than {MAX_NESTING} levels" in str(info.value)


def test_nesting_and_numbers_at_the_limits_still_load(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text("[" * MAX_NESTING + "9" * MAX_NUMBER_DIGITS + "]" * MAX_NESTING, encoding="utf-8")
    assert read_json(path).data


@pytest.mark.parametrize("file", ["app.json", "page-meta.json", "skills/coffee/mcp.json"])
def test_project_files_report_the_limits_through_project_load(tmp_path: Path, file: str) -> None:
    root = tmp_path / "cafe"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("__pycache__"))
    target = root / file
    data = json.loads(target.read_text(encoding="utf-8"))
    data["zz"] = json.loads("[" * (MAX_NESTING + 5) + "]" * (MAX_NESTING + 5))
    target.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    with pytest.raises(ProjectError) as info:
        Project.load(root)
    assert info.value.file is not None and info.value.file.endswith(file)
    assert info.value.line is not None and info.value.column is not None
    assert "nests deeper" in str(info.value)


@pytest.mark.parametrize("value", ["x" * 300 + ".json", "a\u0000b.json"], ids=["name-too-long", "nul-byte"])
@pytest.mark.parametrize("key", ["pageMetadata", "instruction", "skills"])
def test_paths_the_file_system_refuses_are_reported_not_raised(tmp_path: Path, key: str, value: str) -> None:
    # Was: OSError [Errno 36] File name too long (and ValueError for a NUL byte) from is_file()/resolve().
    root = tmp_path / "cafe"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("__pycache__"))
    app = json.loads((root / "app.json").read_text(encoding="utf-8"))
    if key == "skills":
        app["agent"]["skills"][0]["path"] = value
    else:
        app["agent"][key] = value
    (root / "app.json").write_text(json.dumps(app, ensure_ascii=False), encoding="utf-8")
    try:
        project = Project.load(root)
    except ProjectError as e:
        assert key == "skills" and e.file is not None and e.line is not None, e
        assert "does not exist" in str(e)
    else:
        assert key != "skills"  # a missing instruction or page metadata file is the linter's finding
        assert project is not None


def with_schema(tmp_path: Path, schema: dict[str, object]) -> Path:
    root = tmp_path / "cafe"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("__pycache__", "service"))
    mcp = root / "skills" / "coffee" / "mcp.json"
    data = json.loads(mcp.read_text(encoding="utf-8"))
    data["apis"][0]["inputSchema"] = schema
    mcp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return root


BAD_REFS = {
    # Was: RecursionError at the first call.
    "self": ({"$ref": "#"}, "this $ref leads back to itself without entering a property or an item"),
    "through allOf": (
        {
            "definitions": {"a": {"allOf": [{"$ref": "#/definitions/b"}]}, "b": {"$ref": "#/definitions/a"}},
            "$ref": "#/definitions/a",
        },
        "leads back to itself",
    ),
    # Was: referencing's _WrappedReferencingError (PointerToNowhere) at the first call.
    "to nothing": ({"$ref": "#/definitions/nope"}, "$ref '#/definitions/nope' points to nothing in this schema"),
    "remote": ({"$ref": "https://example.com/s.json"}, "names another document, which cannot be fetched offline"),
}


@pytest.mark.parametrize(("schema", "message"), BAD_REFS.values(), ids=BAD_REFS.keys())
def test_a_schema_ref_validation_cannot_follow_is_a_located_load_error(
    tmp_path: Path, schema: dict[str, object], message: str
) -> None:
    with pytest.raises(ProjectError) as info:
        Project.load(with_schema(tmp_path, schema))
    assert info.value.file is not None and info.value.file.endswith("skills/coffee/mcp.json")
    assert info.value.line is not None and info.value.column is not None
    assert message in str(info.value)


def test_a_recursive_schema_through_properties_still_loads_and_validates(tmp_path: Path) -> None:
    from wxreplay.result import validate_arguments

    node = {"type": "object", "properties": {"kids": {"type": "array", "items": {"$ref": "#/definitions/node"}}}}
    schema = {"definitions": {"node": node}, "$ref": "#/definitions/node", "examples": [{"$ref": "not a schema"}]}
    project = Project.load(with_schema(tmp_path, schema))
    decl = project.skills[0].apis[0]
    validate_arguments(decl, {"kids": [{"kids": []}]})


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ('{"a": [1, {"b": null}]}', {"a": [1, {"b": None}]}),
        ("[" * 100 + "]" * 100, functools.reduce(lambda inner, _: [inner], range(99), [])),  # at the limit: parsed
        ("[" * 101 + "]" * 101, ValueError),
        ("[" * 100_000 + "]" * 100_000, ValueError),  # past Python's recursion limit: a ValueError, not a RecursionError
        ('{"a":' * 50_000 + "1" + "}" * 50_000, ValueError),
        ("{", ValueError),
    ],
)
def test_loads_bounded_refuses_what_the_loader_refuses(text: str, parsed: object) -> None:
    from wxreplay.jsonfile import loads_bounded

    if parsed is ValueError:
        with pytest.raises(ValueError):
            loads_bounded(text)
    else:
        assert loads_bounded(text) == parsed
