"""Each lint rule against a failing and a passing fixture: the clean project, and the same project broken one way.

The clean project (lint_support.Proj) has no finding at all, so it is every rule's passing fixture;
each row of RULE_CASES breaks it in one place and the rule must report it there (with its file, and
its line where the file has lines).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from lint_support import CARD, SKILL, Proj

from wxreplay.lint import all_rules, lint_paths
from wxreplay.lint.model import LintFinding


def lint(root: Path) -> list[LintFinding]:
    run = lint_paths([root])
    assert not run.crashes, run.crashes
    return run.report.findings


def api(p: Proj) -> dict:
    return p.mcp["apis"][0]


def hand_off(p: Proj, *keys: str) -> None:
    """getItem hands off to /pages/home/home with ``keys`` in its query; the page reads options.itemId."""
    api(p)["_meta"]["ui"]["pagePath"] = "/pages/home/home"
    p.files["pages/home/home.js"] = "Page({\n  onLoad (options) {\n    this.setData({ id: options.itemId })\n  }\n})\n"
    query = ", ".join(f"{k}: itemId" for k in keys)
    p.sub(f"{SKILL}/apis/getItem.js", "    isError: false,", f"    isError: false,\n    handoff: {{ query: {{ {query} }} }},")


def add_api(p: Proj, name: str) -> None:
    p.mcp["apis"].append(
        {"name": name, "description": "列出商品（业务对象：商品列表）。", "inputSchema": {"type": "object", "properties": {}}}
    )


def add_producer(p: Proj, name: str) -> None:
    """A second API, ``name``, that returns itemId: getItem's itemId description then has an upstream to name."""
    add_api(p, name)
    p.mcp["apis"][-1]["outputSchema"] = {
        "type": "object",
        "properties": {"items": {"type": "array", "items": {"type": "object", "properties": {"itemId": {"type": "string"}}}}},
    }


def echo_structured(p: Proj) -> None:
    """getItem's content text is the JSON of the structuredContent it returns."""
    p.sub(f"{SKILL}/apis/getItem.js", "  return {", "  const item = { itemId: itemId, name: '拿铁' }\n  return {")
    p.sub(f"{SKILL}/apis/getItem.js", "'商品 ' + itemId + ' 有货。请用一句话告知用户。'", "'商品：' + JSON.stringify(item)")
    p.sub(f"{SKILL}/apis/getItem.js", "structuredContent: { itemId: itemId, name: '拿铁' }", "structuredContent: item")


Mutation = Callable[[Proj], None]

RULE_CASES: list[tuple[str, Mutation]] = [
    ("WXR101", lambda p: p.app.pop("lazyCodeLoading")),
    ("WXR102", lambda p: p.app["subPackages"][0].update(independent=False)),
    ("WXR103", lambda p: p.app["agent"]["skills"][0].update(description="  ")),
    ("WXR104", lambda p: p.app["subPackages"][0].update(root="other")),
    ("WXR105", lambda p: p.files.update({f"{SKILL}/SKILL.md": None, f"{SKILL}/skill.md": "# 小店\n"})),
    ("WXR105", lambda p: p.files.update({f"{SKILL}/SKILL.md": "# 小店\n" + "说明。" * 6000})),
    ("WXR106", lambda p: api(p).update(description="查询商品。" + "很" * 24_001)),
    ("WXR115", lambda p: api(p).update(description="查询商品。" + "x" * 21_700)),
    ("WXR107", lambda p: p.files.update({"AGENTS.md": None})),
    ("WXR107", lambda p: p.files.update({"AGENTS.md": "x" * 10_001})),
    ("WXR108", lambda p: p.files.update({"page-meta.json": json.dumps({"pages": [], "pad": "x" * 8_001})})),
    ("WXR109", lambda p: p.sub(f"{SKILL}/apis/getItem.js", "  return {", "  const app = getApp()\n  return {")),
    ("WXR110", lambda p: p.sub(f"{SKILL}/apis/getItem.js", "  return {", "  require('../../../utils/util.js')\n  return {")),
    (
        "WXR110",
        lambda p: (
            p.files.update(
                {"skills/other/index.js": "module.exports = {}\n", "skills/other/helpers.js": "module.exports = {}\n"}
            ),
            p.sub(f"{SKILL}/apis/getItem.js", "  return {", "  require('../../other/helpers.js')\n  return {"),
        ),
    ),
    ("WXR111", lambda p: p.sub(f"{SKILL}/apis/getItem.js", "  return {", "  require('@/utils/x')\n  return {")),
    ("WXR112", lambda p: p.sub(f"{SKILL}/index.js", "createSkill('skills/shop')", "createSkill('skills/shop-old')")),
    ("WXR113", lambda p: p.files.update({f"{SKILL}/utils/blob.js": b"\x00\x01\x02binary"})),
    ("WXR113", lambda p: p.files.update({f"{CARD}.json": '{"component": true,'})),
    ("WXR113", lambda p: p.files.update({f"{SKILL}/utils/latin1.js": "var s = 'caf\xe9'\n".encode("latin-1")})),
    (
        "WXR114",
        lambda p: p.files.update(
            {f"{SKILL}/utils/config.js": "module.exports = { apiKey: 'sk-proj-4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c' }\n"}
        ),
    ),
    ("WXR116", lambda p: setattr(p, "mcp_text", '{"apis": [')),
    ("WXR117", lambda p: p.files.update({f"{SKILL}/index.js": None})),
    (
        "WXR201",
        lambda p: p.sub(
            f"{SKILL}/index.js",
            "skill.registerAPI('getItem', getItem)",
            "skill.registerAPI('getItem', getItem)\nskill.registerAPI('getExtra', async () => ({}))",
        ),
    ),
    ("WXR202", lambda p: add_api(p, "listItems")),
    ("WXR203", lambda p: p.sub(f"{SKILL}/apis/getItem.js", "  return {", "  require('./missing.js')\n  return {")),
    ("WXR204", lambda p: p.sub(f"{SKILL}/apis/getItem.js", "async function getItem", "function getItem")),
    (
        "WXR204",
        lambda p: p.sub(f"{SKILL}/apis/getItem.js", "module.exports = { getItem }", "module.exports = { getItems: getItem }"),
    ),
    ("WXR205", lambda p: api(p).update(description="")),
    ("WXR206", lambda p: api(p).pop("outputSchema")),
    ("WXR207", lambda p: p.sub(f"{SKILL}/apis/getItem.js", "name: '拿铁' }", "name: '拿铁', price: 12 }")),
    (
        "WXR207",
        lambda p: p.sub(
            f"{SKILL}/apis/getItem.js",
            "structuredContent: { itemId: itemId, name: '拿铁' }",
            "structuredContent: { name: '拿铁' }",
        ),
    ),
    ("WXR208", lambda p: p.files.update({f"{CARD}.wxss": None})),
    ("WXR209", lambda p: p.mcp["components"][0].update(path="./components/item-card/index")),
    ("WXR209", lambda p: p.mcp["components"][0].update(relatedPage="/pages/nowhere")),
    ("WXR210", lambda p: api(p)["_meta"]["ui"].update(pagePath="/pages/home/home?id=1")),
    ("WXR211", lambda p: api(p)["_meta"]["ui"].update(pagePath="/pages/home/home")),
    ("WXR408", lambda p: api(p)["outputSchema"]["properties"].update(item_id={"type": "string"})),
    ("WXR212", lambda p: hand_off(p, "itemId", "extra")),
    ("WXR213", lambda p: api(p).update(description="删除商品（业务对象：商品）。用户要删除时调用。")),
    ("WXR214", lambda p: p.sub(f"{SKILL}/index.js", "const skill", "throw new Error('boom')\nconst skill")),
    ("WXR301", lambda p: p.sub(f"{CARD}.js", "const modelCtx", "setTimeout(() => {}, 10)\n      const modelCtx")),
    ("WXR301", lambda p: p.sub(f"{CARD}.js", "const modelCtx", "wx.cloud.callFunction({ name: 'x' })\n      const modelCtx")),
    ("WXR302", lambda p: p.sub(f"{CARD}.js", "name: 'getItem'", "name: 'getItems'")),
    ("WXR303", lambda p: p.sub(f"{CARD}.js", "arguments: { itemId: 'a1' }", "arguments: { itemId: 1 }")),
    ("WXR303", lambda p: p.sub(f"{CARD}.js", "arguments: { itemId: 'a1' }", "arguments: { id: 'a1' }")),
    ("WXR304", lambda p: p.sub(f"{CARD}.js", "{ type: 'text', text: '再看看这件' },\n", "")),
    ("WXR305", lambda p: p.sub(f"{CARD}.js", "sc.name || ''", "sc.title || ''")),
    ("WXR306", lambda p: p.sub(f"{CARD}.wxml", "{{name}}", "{{name}}{{subtitle}}")),
    ("WXR306", lambda p: p.sub(f"{CARD}.js", "data: { name: '' }", "data: { name: '', unused: 1 }")),
    ("WXR307", lambda p: p.sub(f"{CARD}.wxml", ' hover-class="hover"', "")),
    ("WXR308", lambda p: p.sub(f"{CARD}.wxml", "<text>{{name}}</text>", "<swiper><text>{{name}}</text></swiper>")),
    (
        "WXR309",
        lambda p: p.sub(
            f"{CARD}.wxml", "<text>{{name}}</text>", '<button open-type="share" bindtap="onTap" hover-class="hover">x</button>'
        ),
    ),
    (
        "WXR310",
        lambda p: p.sub(f"{CARD}.wxml", "<text>{{name}}</text>", "<scroll-view scroll-y><text>{{name}}</text></scroll-view>"),
    ),
    ("WXR311", lambda p: p.sub(f"{CARD}.wxml", 'bindtap="onTap"', 'bindtap="onTap" bindlongpress="onTap"')),
    ("WXR312", lambda p: p.sub(f"{CARD}.wxml", "<text>{{name}}</text>", '<image src="https://example.com/a.gif" />')),
    ("WXR313", lambda p: p.sub(f"{CARD}.wxml", "<text>", "<text user-select>")),
    ("WXR314", lambda p: p.sub(f"{CARD}.wxml", "{{name}}", "{{name.slice(0, 2)}}")),
    ("WXR315", lambda p: p.sub(f"{CARD}.wxss", "padding: 12px;", "padding: 12px;\n  height: 200px;")),
    ("WXR316", lambda p: p.sub(f"{CARD}.wxss", "padding: 12px;", "padding: 12px;\n  z-index: 2;")),
    ("WXR317", lambda p: p.files.update({f"{CARD}.wxml": '<view class="card">\n  <text>{{name}}\n'})),
    ("WXR318", lambda p: p.sub(f"{CARD}.wxss", "padding: 12px;", "padding: 1rem;")),
    ("WXR401", lambda p: p.sub(f"{SKILL}/apis/getItem.js", "' 有货。请用一句话告知用户。'", "' 有货，库存充足。'")),
    (
        "WXR402",
        lambda p: p.sub(f"{SKILL}/apis/getItem.js", "'商品 ' + itemId + ' 有货。请用一句话告知用户。'", "'操作失败，请重试'"),
    ),
    ("WXR403", lambda p: api(p)["inputSchema"]["properties"]["itemId"].update(description="商品标识")),
    ("WXR404", lambda p: api(p)["inputSchema"]["properties"]["size"].update(enum=["中杯", "大杯"])),
    (
        "WXR405",
        lambda p: p.sub(f"{SKILL}/apis/getItem.js", "name: '拿铁' }", "name: '拿铁', imageUrl: 'https://example.com/a.png' }"),
    ),
    ("WXR406", lambda p: p.files.update({f"{SKILL}/SKILL.md": "# 小店\n\n查询商品：getItems。\n"})),
    ("WXR407", lambda p: p.files.update({f"{SKILL}/SKILL.md": "# 小店\n\n你现在是一个店员。查询商品：getItem。\n"})),
    # the heuristic statements' rules (rules_apidocs, rules_wording): appended, so the golden's older rows keep their names
    ("WXR409", lambda p: p.files.update({f"{SKILL}/SKILL.md": "# 小店\n\n查询商品：getItem。\n\n- 不要推荐其他店的商品。\n"})),
    ("WXR410", lambda p: api(p).update(description="参数 itemId 为商品标识。查询商品（业务对象：商品卡片）。")),
    ("WXR410", lambda p: api(p).update(description="查询商品（业务对象：商品卡片）。数据来自 https://api.example.com/items。")),
    ("WXR411", lambda p: add_producer(p, "listItems")),
    ("WXR412", lambda p: api(p)["inputSchema"]["properties"]["size"].update(description="杯型，例如 medium")),
    ("WXR413", echo_structured),
    (
        "WXR414",
        lambda p: p.files.update(
            {f"{SKILL}/SKILL.md": "# 小店\n\n| 参数 | 类型 | 必填 |\n|---|---|---|\n| itemId | string | 是 |\n"}
        ),
    ),
    ("WXR415", lambda p: p.sub(f"{CARD}.js", "'再看看这件'", "'再看看这个'")),
    ("WXR415", lambda p: p.sub(f"{CARD}.js", "'再看看这件'", "'我的手机号是 13812345678'")),
]


def test_the_clean_project_has_no_finding(tmp_path: Path) -> None:
    """The passing fixture of every rule: not one finding, not even info."""
    assert lint(Proj().write(tmp_path)) == []


@pytest.mark.parametrize(("rule_id", "mutate"), RULE_CASES, ids=[f"{r}-{i}" for i, (r, _) in enumerate(RULE_CASES)])
def test_rule_reports_its_failing_fixture(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rule_id: str, mutate: Mutation
) -> None:
    proj = Proj()
    mutate(proj)
    monkeypatch.chdir(tmp_path)  # the project in a folder below: a label must include it
    found = [f for f in lint(proj.write(tmp_path / "proj")) if f.rule == rule_id]
    assert found, f"{rule_id} reported nothing"
    for f in found:
        assert f.file, f
        assert f.message and f.severity in ("error", "warning", "info")
        assert not Path(f.file).is_absolute()
        assert f.file.startswith("proj/") and (tmp_path / f.file).exists(), f  # what an editor opens from here


def test_every_registered_rule_has_a_failing_fixture() -> None:
    """No rule is registered without a test that makes it fire."""
    tested = {r for r, _ in RULE_CASES}
    assert {r.id for r in all_rules()} - tested == set()


def test_findings_point_at_the_line(tmp_path: Path) -> None:
    proj = Proj()
    proj.sub(f"{SKILL}/apis/getItem.js", "  return {", "  const app = getApp()\n  return {")
    (f,) = [f for f in lint(proj.write(tmp_path)) if f.rule == "WXR109"]
    assert f.file.endswith("skills/shop/apis/getItem.js") and (f.line, f.column) == (2, 15)


def test_require_inside_a_string_or_comment_is_no_require(tmp_path: Path) -> None:
    """The parser, not a regex: require('@/x') in a comment or a string is not an import."""
    proj = Proj()
    proj.sub(
        f"{SKILL}/apis/getItem.js",
        "  return {",
        "  // require('@/x') and getApp() in a comment\n  const s = \"require('../../../x')\"\n  return {",
    )
    assert lint(proj.write(tmp_path)) == []


def test_registration_comes_from_the_runtime(tmp_path: Path) -> None:
    """A loop over a table registers names no literal spells: V8 sees them, so no false WXR202."""
    proj = Proj()
    add_api(proj, "listItems")
    proj.sub(
        f"{SKILL}/index.js",
        "skill.registerAPI('getItem', getItem)",
        "const table = { getItem, listItems: async () => ({ content: [] }) }\n"
        "for (const k of Object.keys(table)) skill.registerAPI(k, table[k])",
    )
    assert [f.rule for f in lint(proj.write(tmp_path)) if f.rule in ("WXR201", "WXR202")] == []


def test_mcp_size_names_both_counts(tmp_path: Path) -> None:
    proj = Proj()
    api(proj).update(description="查询商品。" + "很" * 9_000)  # 3 bytes each: over 24000 bytes, under 24000 characters
    (f,) = [f for f in lint(proj.write(tmp_path)) if f.rule == "WXR106"]
    assert "bytes" in f.message and "characters" in f.message and "V013" in f.message


def test_output_schema_is_not_counted(tmp_path: Path) -> None:
    proj = Proj()
    api(proj)["outputSchema"]["description"] = "x" * 30_000
    assert [f.rule for f in lint(proj.write(tmp_path)) if f.rule in ("WXR106", "WXR115")] == []


def test_a_standalone_skill_directory_is_linted(tmp_path: Path) -> None:
    proj = Proj()
    proj.sub(f"{SKILL}/apis/getItem.js", "  return {", "  getApp()\n  return {")
    root = proj.write(tmp_path)
    (root / "app.json").unlink()
    rules = {f.rule for f in lint(root / SKILL)}
    assert "WXR109" in rules and "WXR101" not in rules


def test_a_handoff_the_page_reads_is_clean(tmp_path: Path) -> None:
    proj = Proj()
    hand_off(proj, "itemId")
    assert lint(proj.write(tmp_path)) == []
