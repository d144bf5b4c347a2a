"""Unit tests for wxreplay.project and wxreplay.jsonfile."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from wxreplay.errors import ProjectError, UnknownApiError
from wxreplay.jsonfile import display_path, key_line, load_json, locate
from wxreplay.project import DEFAULT_EXPIRED_TEXT, Project, Skill

FIXTURES = Path(__file__).parent / "fixtures"
FULL = FIXTURES / "project_full"

MINIMAL_MCP: dict[str, Any] = {
    "apis": [
        {
            "name": "createOrder",
            "description": "新建订单",
            "inputSchema": {"type": "object", "properties": {}},
        }
    ]
}


def write(root: Path, files: dict[str, str | dict[str, Any]]) -> None:
    """Write ``files`` (posix path -> text, or a dict dumped as JSON) under ``root``."""
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False, indent=2)
        target.write_text(text, encoding="utf-8")


def make_project(tmp_path: Path, files: dict[str, str | dict[str, Any]] | None = None) -> Path:
    """A one-skill project "cafe" under ``tmp_path``; ``files`` override or add files."""
    root = tmp_path / "cafe"
    base: dict[str, str | dict[str, Any]] = {
        "app.json": {
            "pages": ["pages/home/home"],
            "lazyCodeLoading": "requiredComponents",
            "subPackages": [{"root": "skills", "independent": True, "pages": []}],
            "agent": {"skills": [{"name": "coffee", "description": "点单", "path": "skills/coffee"}]},
        },
        "skills/coffee/SKILL.md": "# Coffee\n",
        "skills/coffee/index.js": "wx.modelContext.registerAPI('createOrder', async () => ({}))\n",
        "skills/coffee/mcp.json": MINIMAL_MCP,
    }
    base.update(files or {})
    write(root, base)
    return root


def load_error(path: Path) -> ProjectError:
    """Load ``path`` and return the ProjectError it must raise."""
    with pytest.raises(ProjectError) as info:
        Project.load(path)
    return info.value


@pytest.fixture(scope="module")
def full() -> Project:
    """The checked-in full fixture project."""
    return Project.load(FULL)


@pytest.fixture(scope="module")
def coffee(full: Project) -> Skill:
    """The coffee skill of the full fixture."""
    return full.skill("coffee")


# -- the full project ----------------------------------------------------------------------------


def test_full_project_top_level(full: Project) -> None:
    assert full.root == FULL.resolve()
    assert full.app_json is not None and full.app_json["unknownKey"] == {"kept": True}
    assert full.lazy_code_loading == "requiredComponents"
    assert full.instruction_path == "AGENTS.md"
    assert full.instruction is not None and "咖啡店助手" in full.instruction
    assert full.page_metadata_path == "page-meta.json"
    assert full.page_metadata == {"pages": [{"path": "pages/home/home", "name": "首页", "description": "门店首页"}]}
    assert full.pages == ("pages/home/home", "pages/about/about", "packageDetail/pages/checkout")
    assert [(sp.root, sp.independent, sp.pages) for sp in full.subpackages] == [
        ("packageDetail", False, ("pages/checkout",)),
        ("skills", True, ()),
    ]
    assert [s.name for s in full.skills] == ["coffee", "tea"]
    assert full.default_skill is None


def test_skill_fields(full: Project, coffee: Skill) -> None:
    assert coffee.description == "点单：查询饮品、选规格、下单"  # trimmed
    assert coffee.path == "skills/coffee"
    assert coffee.dir == full.root / "skills" / "coffee"
    assert coffee.root == full.root
    assert coffee.subpackage_root == "skills"
    assert coffee.skill_md.startswith("---\nname: coffee")
    assert coffee.mcp_path == coffee.dir / "mcp.json"
    assert coffee.index_js == coffee.dir / "index.js"
    assert full.skill("tea").path == "skills/tea"  # "/skills/tea/" normalised


def test_api_declarations(coffee: Skill) -> None:
    assert coffee.api_names() == ("searchDrinks", "createOrder", "queueStatus", "legacyStatus", "editPhoto")
    search = coffee.api("searchDrinks")
    assert search.description == "检索饮品列表"
    assert search.input_schema["properties"] == {"keyword": {"type": "string"}}
    assert search.output_schema == {"type": "object", "properties": {"items": {"type": "array"}}}
    assert search.component_path == "components/drink-list/index"
    assert search.page_path == "/pages/home/home"  # _meta.ui.pagePath
    order = coffee.api("createOrder")
    assert order.page_path == "/packageDetail/pages/checkout"  # [INT] top-level pagePath, slash added
    assert order.output_schema is None
    assert order.component_path == "components/order-card/index"  # "./" dropped
    assert order.raw["_meta"]["ui"]["componentPath"] == "./components/order-card/index"  # raw as written
    assert coffee.api("queueStatus").description == ""  # missing description is the linter's business
    assert coffee.api("legacyStatus").raw["annotations"] == {"unknown": "kept"}


def test_meta_page_path_wins_over_int_form(tmp_path: Path) -> None:
    mcp = {
        "apis": [
            {
                "name": "a",
                "inputSchema": {"type": "object"},
                "pagePath": "pages/int/int",
                "_meta": {"ui": {"pagePath": "/pages/demo/demo"}},
            }
        ]
    }
    root = make_project(tmp_path, {"skills/coffee/mcp.json": mcp})
    assert Project.load(root).skill().api("a").page_path == "/pages/demo/demo"


def test_components(coffee: Skill, full: Project) -> None:
    drink = coffee.component("components/drink-list/index")
    assert drink is not None
    assert (drink.related_page, drink.dynamic, drink.dynamic_desc) == ("/pages/home/home", False, None)
    assert (drink.expirable, drink.expired_text) == (False, DEFAULT_EXPIRED_TEXT)
    assert DEFAULT_EXPIRED_TEXT == "服务已过期"

    order = coffee.component("./components/order-card/index")
    assert order is not None
    assert order.related_page == "/packageDetail/pages/checkout"  # [INT] components[].pagePath
    assert (order.expirable, order.expired_text) == (True, "订单已失效")

    queue = coffee.component("components/queue-card/index")
    assert queue is not None and (queue.dynamic, queue.dynamic_desc) == (True, "实时刷新排队人数")
    legacy = coffee.component("components/legacy-card/index")
    assert legacy is not None and (legacy.dynamic, legacy.dynamic_desc) == (True, "旧名")  # scope.network
    tea = full.skill("tea").component("components/tea-card/index")
    assert tea is not None and (tea.dynamic, tea.dynamic_desc, tea.related_page) == (
        True,
        "实时库存",
        "/pages/home/home",
    )

    assert coffee.component("components/nope/index") is None


def test_component_for(coffee: Skill, tmp_path: Path) -> None:
    assert coffee.component_for("searchDrinks") == coffee.component("components/drink-list/index")
    undeclared = coffee.component_for("editPhoto")  # componentPath without a components[] entry
    assert undeclared is not None
    assert undeclared.path == "components/photo-card/index"
    assert (undeclared.related_page, undeclared.dynamic, undeclared.expirable) == (None, False, False)
    assert (undeclared.expired_text, undeclared.raw) == (DEFAULT_EXPIRED_TEXT, {})
    plain = Project.load(make_project(tmp_path)).skill()
    assert plain.component_for("createOrder") is None
    with pytest.raises(UnknownApiError):
        plain.component_for("nope")


def test_unknown_api_did_you_mean(coffee: Skill) -> None:
    with pytest.raises(UnknownApiError) as info:
        coffee.api("createOder")
    err = info.value
    assert err.api == "createOder"
    assert err.file is not None and err.file.endswith("skills/coffee/mcp.json")
    assert err.hint == "did you mean 'createOrder'?"
    assert "searchDrinks, createOrder" in str(err)
    with pytest.raises(UnknownApiError) as info:
        coffee.api("zzz")
    assert "registerAPI" in (info.value.hint or "")


def test_skill_selection(full: Project) -> None:
    with pytest.raises(ProjectError) as info:
        full.skill()
    assert "2 skills (coffee, tea)" in str(info.value)
    assert info.value.file is not None and info.value.file.endswith("app.json")
    with pytest.raises(ProjectError) as info:
        full.skill("cofee")
    assert info.value.hint == "did you mean 'coffee'?"
    assert "skills: coffee, tea" in str(info.value)
    assert full.skill("tea").name == "tea"


def test_lookups_by_name_use_the_shared_did_you_mean(full: Project, coffee: Skill) -> None:
    # source.did_you_mean also finds a name written in another case, which spelling distance misses.
    with pytest.raises(ProjectError) as info:
        full.skill("COFFEE")
    assert info.value.hint == "did you mean 'coffee'?"
    with pytest.raises(UnknownApiError) as api:
        coffee.api("CREATEORDER")
    assert api.value.hint == "did you mean 'createOrder'?"


def test_project_without_skills(tmp_path: Path) -> None:
    write(tmp_path / "bare", {"app.json": {"pages": ["pages/index/index"]}})
    project = Project.load(tmp_path / "bare")
    assert project.skills == ()
    with pytest.raises(ProjectError, match="declares no skills"):
        project.skill()


# -- files ---------------------------------------------------------------------------------------


def test_source_files(tmp_path: Path) -> None:
    root = tmp_path / "copy"
    shutil.copytree(FULL, root)
    write(
        root,
        {
            "skills/coffee/node_modules/left-pad/index.js": "module.exports = 1",
            "skills/.cache/x.js": "cached",
            "skills/coffee/.git/hooks.js": "hook",
        },
    )
    coffee = Project.load(root).skill("coffee")
    files = coffee.source_files()
    assert list(files) == sorted(files)
    assert files["skills/_shared/format.js"].startswith("module.exports = function format")
    assert files["skills/coffee/utils/nested/deep.js"] == "module.exports = 42\n"
    assert "skills/coffee/utils/storage.js" in files
    assert "skills/coffee/data/menu.json" in files
    assert "skills/coffee/filters.wxs" in files
    assert "skills/coffee/mcp.json" in files
    assert "skills/tea/index.js" in files  # everything in the subpackage root
    assert not any("node_modules" in k or "/." in k for k in files)
    assert "skills/coffee/README.txt" not in files
    assert "pages/home/home.js" not in files  # main package: outside the subpackage root
    # cached: a new file is not picked up, and mutating the result does not poison the cache
    write(root, {"skills/coffee/late.js": "late"})
    files.clear()
    again = coffee.source_files()
    assert "skills/coffee/late.js" not in again and "skills/coffee/index.js" in again


def test_component_files(coffee: Skill) -> None:
    files = coffee.component_files("components/drink-list/index")
    assert sorted(files) == ["js", "json", "wxml", "wxss"]
    assert files["wxml"] == "<view>{{title}}</view>\n"
    assert sorted(coffee.component_files("components/order-card/index")) == ["js", "json", "wxml"]
    assert coffee.component_files("components/photo-card/index") == {}
    with pytest.raises(ProjectError, match="leaves the subpackage"):
        coffee.component_files("../../../pages/home/home")


def test_is_routable(full: Project) -> None:
    assert full.is_routable("/pages/home/home")
    assert full.is_routable("pages/home/home")
    assert full.is_routable("/pages/home/home?keyword=拿铁")
    assert full.is_routable("/pages/about/about")  # written with a leading slash in app.json
    assert full.is_routable("/packageDetail/pages/checkout")
    assert not full.is_routable("/pages/checkout")
    assert not full.is_routable("/pages/home")


def test_describe(full: Project) -> None:
    summary = full.describe()
    text = json.dumps(summary, ensure_ascii=False)
    assert str(FULL.resolve()) not in text  # no absolute paths
    assert summary["standalone"] is False
    assert summary["root"].endswith("project_full")
    coffee = summary["skills"][0]
    assert coffee["name"] == "coffee" and coffee["skill_md"] is True
    assert coffee["apis"][1] == {
        "name": "createOrder",
        "description": "新建订单",
        "component": "components/order-card/index",
        "page": "/packageDetail/pages/checkout",
        "output_schema": False,
    }
    queue = next(c for c in coffee["components"] if c["path"] == "components/queue-card/index")
    assert queue["dynamic"] is True and queue["expirable"] is False and queue["apis"] == ["queueStatus"]
    assert summary["subpackages"][1] == {"root": "skills", "independent": True, "pages": []}


# -- loading skill directories -------------------------------------------------------------------


def test_load_skill_dir_inside_project() -> None:
    project = Project.load(FULL / "skills" / "tea")
    assert project.root == FULL.resolve()
    assert project.default_skill == "tea"
    assert project.skill().name == "tea"
    assert project.skill("coffee").name == "coffee"  # still selectable by name
    assert Project.load(FULL / "skills" / "coffee" / "mcp.json").skill().name == "coffee"
    assert Project.load(FULL / "app.json").default_skill is None


def test_load_standalone_skill_dir(tmp_path: Path) -> None:
    shutil.copytree(FULL / "skills" / "coffee", tmp_path / "pkg" / "skills" / "solo")
    shutil.copytree(FULL / "skills" / "_shared", tmp_path / "pkg" / "skills" / "_shared")
    project = Project.load(tmp_path / "pkg" / "skills" / "solo")
    assert project.app_json is None
    assert project.root == (tmp_path / "pkg").resolve()
    skill = project.skill()
    assert (skill.name, skill.path, skill.subpackage_root) == ("solo", "skills/solo", "skills")
    assert skill.description == "点单"  # from SKILL.md front matter
    assert skill.dir == project.root / "skills" / "solo"
    files = skill.source_files()
    assert "skills/_shared/format.js" in files  # require('../_shared/format') can resolve
    assert "skills/solo/utils/nested/deep.js" in files
    assert project.describe()["standalone"] is True
    assert project.describe()["root"] == "pkg"  # outside the cwd: the root's name, never absolute
    assert project.pages == () and not project.is_routable("/pages/home/home")


def test_skill_dir_not_listed_in_enclosing_app_json_is_standalone(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    write(root, {"skills/other/mcp.json": MINIMAL_MCP, "skills/other/index.js": ""})
    project = Project.load(root / "skills" / "other")
    assert project.app_json is None and project.skill().path == "skills/other"


def test_project_config_miniprogram_root(tmp_path: Path) -> None:
    make_project(tmp_path)
    (tmp_path / "cafe").rename(tmp_path / "miniprogram")
    write(tmp_path, {"project.config.json": {"miniprogramRoot": "miniprogram/"}})
    project = Project.load(tmp_path)
    assert project.root == (tmp_path / "miniprogram").resolve()
    assert project.skill().name == "coffee"


def test_not_a_project(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert "neither a Mini Program project nor a skill directory" in str(load_error(tmp_path / "empty"))
    assert "no such file or directory" in str(load_error(tmp_path / "missing"))


# -- tolerated problems (the linter's business) --------------------------------------------------


def test_tolerated_problems(tmp_path: Path) -> None:
    root = make_project(
        tmp_path,
        {
            "app.json": {
                "pageMetadata": "page-meta.json",  # [INT] top-level form
                "agent": {
                    "skills": [{"name": "coffee", "description": "点单", "path": "coffee"}],
                    "instruction": "MISSING.md",
                },
            },
            "page-meta.json": {"pages": []},
            "coffee/index.js": "",
            "coffee/mcp.json": MINIMAL_MCP,
        },
    )
    project = Project.load(root)
    skill = project.skill()
    assert skill.subpackage_root == "coffee"  # outside every subpackage: first segment
    assert skill.skill_md == ""  # no SKILL.md
    assert (project.instruction_path, project.instruction) == ("MISSING.md", None)
    assert (project.page_metadata_path, project.page_metadata) == ("page-meta.json", {"pages": []})
    assert project.lazy_code_loading is None and project.subpackages == () and project.pages == ()


def test_inline_page_metadata(tmp_path: Path) -> None:
    meta = {"pages": [{"path": "pages/home/home", "name": "首页", "description": "x"}]}
    root = make_project(tmp_path, {"app.json": {"pageMetadata": meta}})
    project = Project.load(root)
    assert project.page_metadata == meta and project.page_metadata_path is None


# -- malformed JSON ------------------------------------------------------------------------------


def test_malformed_app_json_trailing_comma(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"app.json": '{\n  "pages": ["pages/home/home"],\n}\n'})
    err = load_error(root)
    assert (err.file, err.line, err.column) == ("cafe/app.json", 3, 1)
    text = str(err)
    assert text.startswith("cafe/app.json:3:1: invalid JSON: Expecting property name")
    # the lines before show the trailing comma itself
    assert '    2 |   "pages": ["pages/home/home"],\n  > 3 | }\n      | ^' in text
    assert err.hint is not None and "trailing comma" in err.hint and "line 2 column 31" in err.hint


def test_malformed_mcp_json_missing_comma(tmp_path: Path) -> None:
    mcp = '{\n  "apis": [\n    {"name": "a", "description": "点单"\n     "inputSchema": {}}\n  ]\n}\n'
    root = make_project(tmp_path, {"skills/coffee/mcp.json": mcp})
    err = load_error(root)
    assert (err.file, err.line, err.column) == ("cafe/skills/coffee/mcp.json", 4, 6)
    assert "cafe/skills/coffee/mcp.json:4:6: invalid JSON: Expecting ',' delimiter" in str(err)
    assert '  > 4 |      "inputSchema": {}}\n      |      ^' in str(err)
    assert err.hint is not None and "',' is missing" in err.hint


@pytest.mark.parametrize(
    ("text", "line", "column", "hint"),
    [
        ('{\n  // the pages\n  "pages": []\n}', 2, 3, "comments are not allowed"),
        ('{\n  "pages": [] /* main */\n}', 2, 15, "comments are not allowed"),
        ("{\n  'pages': []\n}", 2, 3, "use double quotes"),
        ("{\n  pages: []\n}", 2, 3, 'put the key in double quotes: "pages"'),
        ('{"pages": [True]}', 1, 12, "write true, not True"),
        ('{"lazyCodeLoading": requiredComponents}', 1, 21, '"requiredComponents"'),
        ('{"pages": []}}', 1, 14, "stray"),
        ("", 1, 1, "the file is empty"),
        ('{"pages": [', 1, 12, "ends too early"),
        ('{"pages": NaN}', 1, 11, "NaN and Infinity"),
    ],
)
def test_json_hints(tmp_path: Path, text: str, line: int, column: int, hint: str) -> None:
    root = make_project(tmp_path, {"app.json": text})
    err = load_error(root)
    assert (err.file, err.line, err.column) == ("cafe/app.json", line, column)
    assert err.hint is not None and hint in err.hint
    assert "^" in str(err)


def test_excerpt_caret_under_wide_characters(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"app.json": '{"名字": "咖啡" "x": 1}'})
    err = load_error(root)
    assert (err.line, err.column) == (1, 13)
    # 12 characters before the column, 4 of them CJK (two cells each) -> 16 cells of padding
    assert str(err).splitlines()[2] == "      | " + " " * 16 + "^"


def test_bom_is_accepted(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    app = root / "app.json"
    app.write_bytes(b"\xef\xbb\xbf" + app.read_bytes())
    assert Project.load(root).skill().name == "coffee"
    assert load_json(app)["pages"] == ["pages/home/home"]


def test_not_utf8(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "skills/coffee/mcp.json").write_bytes('{\n "apis": [{"name": "点单"}]}'.encode("gbk"))
    err = load_error(root)
    assert (err.file, err.line) == ("cafe/skills/coffee/mcp.json", 2)
    assert "not valid UTF-8" in str(err) and err.hint is not None and "UTF-8" in err.hint


# -- structural errors ---------------------------------------------------------------------------


def test_missing_index_js(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "skills/coffee/index.js").unlink()
    err = load_error(root)
    assert err.file == "cafe/skills/coffee/index.js"
    assert "skill 'coffee' has no index.js" in str(err)
    assert err.hint is not None and "registerAPI" in err.hint


def test_missing_mcp_json(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "skills/coffee/mcp.json").unlink()
    err = load_error(root)
    assert err.file == "cafe/skills/coffee/mcp.json"
    assert "skill 'coffee' has no mcp.json" in str(err)
    assert err.hint is not None and '"inputSchema": {"type": "object", "properties": {}}' in err.hint


def test_missing_skill_directory(tmp_path: Path) -> None:
    app = '{\n  "agent": {"skills": [\n    {"name": "coffee", "description": "x",\n     "path": "skills/cofee"}\n  ]}\n}'
    root = make_project(tmp_path, {"app.json": app})
    err = load_error(root)
    assert (err.file, err.line, err.column) == ("cafe/app.json", 4, 6)
    assert "skills/cofee/ does not exist" in str(err)


@pytest.mark.parametrize(
    ("entry", "message", "line"),
    [
        (
            '{"name": "coffee", "path": "skills/coffee"}',
            "agent.skills[1] ('coffee'): \"description\" is missing",
            4,
        ),
        (
            '{"name": "coffee",\n     "description": "   ", "path": "skills/coffee"}',
            '"description" is empty',
            5,
        ),
        ('{"description": "x", "path": "skills/coffee"}', 'agent.skills[1]: "name" is missing', 4),
        ('{"name": "coffee", "description": "x", "path": 3}', '"path" must be a string, got number', 4),
        ('{"name": "coffee", "description": "x", "path": "../coffee"}', "leaves the project", 4),
        ('"skills/coffee"', "agent.skills[1] must be an object, got string", 4),
    ],
)
def test_bad_skill_entries(tmp_path: Path, entry: str, message: str, line: int) -> None:
    app = (
        '{\n  "agent": {"skills": [\n    {"name": "tea", "description": "茶", "path": "skills/coffee"},\n'
        f"    {entry}\n  ]}}\n}}"
    ).replace("}}\n}", "}\n}")
    root = make_project(tmp_path, {"app.json": app})
    err = load_error(root)
    assert err.file == "cafe/app.json"
    assert message in str(err)
    assert err.line == line
    assert err.hint


def test_duplicate_skill_names(tmp_path: Path) -> None:
    entry = {"name": "coffee", "description": "x", "path": "skills/coffee"}
    root = make_project(tmp_path, {"app.json": {"agent": {"skills": [entry, entry]}}})
    err = load_error(root)
    assert "duplicate skill name 'coffee' (first used by agent.skills[0], line 4)" in str(err)
    assert err.line == 10


@pytest.mark.parametrize(
    ("app", "message"),
    [
        ({"agent": {"skills": {"name": "coffee"}}}, '"agent.skills" must be an array, got object'),
        ({"agent": []}, '"agent" must be an object, got array'),
        ({"pages": "pages/home/home"}, '"pages" must be an array of strings, got string'),
        ({"pages": ["pages/home/home", 1]}, '"pages[1]" must be a string, got number'),
        ({"subPackages": [{"root": "skills", "independent": "yes"}]}, '"independent" must be true or false'),
        ({"lazyCodeLoading": True}, '"lazyCodeLoading" must be a string, got boolean'),
        ({"agent": {"instruction": 1}}, '"agent.instruction" must be a file path, got number'),
        ([], "app.json must be a JSON object, got array"),
    ],
)
def test_bad_app_json_types(tmp_path: Path, app: Any, message: str) -> None:
    root = make_project(tmp_path, {"app.json": app})
    err = load_error(root)
    assert err.file == "cafe/app.json" and message in str(err)
    if app != []:
        assert err.line is not None and err.line > 1


def test_duplicate_api_names(tmp_path: Path) -> None:
    mcp = (
        '{\n  "apis": [\n'
        '    {"name": "createOrder", "inputSchema": {}},\n'
        '    {"name": "searchDrinks", "inputSchema": {}},\n'
        '    {"name": "createOrder", "inputSchema": {}}\n'
        "  ]\n}\n"
    )
    root = make_project(tmp_path, {"skills/coffee/mcp.json": mcp})
    err = load_error(root)
    assert (err.file, err.line, err.column) == ("cafe/skills/coffee/mcp.json", 5, 6)
    assert "duplicate API name 'createOrder' (first declared in apis[0], line 3)" in str(err)
    assert err.hint is not None and "unique" in err.hint


def test_missing_input_schema(tmp_path: Path) -> None:
    mcp = '{"apis": [\n  {"name": "a", "inputSchema": {}},\n  {"name": "b", "description": "x"}\n]}'
    root = make_project(tmp_path, {"skills/coffee/mcp.json": mcp})
    err = load_error(root)
    assert (err.line, err.column) == (3, 3)
    assert "API 'b' has no \"inputSchema\"" in str(err)
    assert err.hint is not None and '{"type": "object", "properties": {}}' in err.hint


@pytest.mark.parametrize(
    ("mcp", "message"),
    [
        ([], "mcp.json must be a JSON object, got array"),
        ({"components": []}, 'mcp.json has no "apis" array'),
        ({"apis": {}}, '"apis" must be an array, got object'),
        ({"apis": ["a"]}, "apis[0] must be an object, got string"),
        ({"apis": [{"inputSchema": {}}]}, 'apis[0]: "name" is missing'),
        ({"apis": [{"name": "a", "inputSchema": []}]}, '"inputSchema" must be an object, got array'),
        ({"apis": [{"name": "a", "inputSchema": {}, "description": 1}]}, '"description" must be a string'),
        (
            {"apis": [{"name": "a", "inputSchema": {}, "_meta": {"ui": []}}]},
            '"ui" must be an object, got array',
        ),
        (
            {"apis": [{"name": "a", "inputSchema": {}, "_meta": {"ui": {"componentPath": 1}}}]},
            '"componentPath" must be a string',
        ),
        ({"apis": [], "components": {}}, '"components" must be an array, got object'),
        (
            {"apis": [], "components": [{"relatedPage": "/p"}]},
            'components[0]: "path" must be a non-empty string',
        ),
        (
            {"apis": [], "components": [{"path": "c", "expirable": "yes"}]},
            '"expirable" must be true or false',
        ),
        (
            {"apis": [], "components": [{"path": "c", "permissions": {"scope.dynamic": "x"}}]},
            '"scope.dynamic" must be an object',
        ),
        ({"apis": [], "components": [{"path": "c"}, {"path": "./c"}]}, "duplicate component 'c'"),
    ],
)
def test_bad_mcp_json(tmp_path: Path, mcp: Any, message: str) -> None:
    root = make_project(tmp_path, {"skills/coffee/mcp.json": mcp})
    err = load_error(root)
    assert err.file == "cafe/skills/coffee/mcp.json"
    assert message in str(err)
    assert err.line is not None


# -- jsonfile helpers ----------------------------------------------------------------------------


def test_key_line_and_locate() -> None:
    text = '{\n  "agent": {\n    "skills": [\n      {"name": "a"},\n      {"name": "b", "x": [1, {"y": null}]}\n    ]\n  }\n}'
    assert key_line(text, "skills") == 3
    assert key_line(text, "name") == 4
    assert key_line(text, "missing") is None
    assert locate(text, ()) == (1, 1)
    assert locate(text, ("agent", "skills", 1)) == (5, 7)
    assert locate(text, ("agent", "skills", 1, "name")) == (5, 8)
    assert locate(text, ("agent", "skills", 1, "x", 1, "y")) == (5, 31)
    assert locate(text, ("agent", "skills", 2)) is None
    assert locate(text, ("agent", "skills", 0, "name", "deeper")) is None
    assert locate('{"a": 1, "a": 2}', ("a",)) == (1, 10)  # the last duplicate wins, as in json.loads


def test_display_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "westore-cafe"
    root.mkdir()
    file = root / "skills" / "coffee" / "mcp.json"
    monkeypatch.chdir(FIXTURES)
    assert display_path(file, root) == "westore-cafe/skills/coffee/mcp.json"  # root outside cwd
    monkeypatch.chdir(tmp_path)
    assert display_path(file, root) == "westore-cafe/skills/coffee/mcp.json"  # relative to cwd
    monkeypatch.chdir(root)
    assert display_path(file, root) == "skills/coffee/mcp.json"
    assert display_path(file) == "skills/coffee/mcp.json"
