"""The rules for the deterministic parts of spec 9.3's heuristic statements (WXR409-WXR415).

Each rule's failing fixture is a row of ``test_lint_rules.RULE_CASES``; here are the passing
fixtures beside the failing ones (the same shape, with what the statement asks for), the pure
judgements on many texts, and what the messages may quote (never a phone number).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from lint_support import CARD, SKILL, Proj
from test_lint_rules import Mutation, add_producer, api, lint

from wxreplay.lint.rules_apidocs import single_example
from wxreplay.lint.rules_wording import prohibitions_without_alternative, restated_schemas
from wxreplay.lint.rules_writing import masked_excerpt

GET_ITEM = f"{SKILL}/apis/getItem.js"


def skill_md(text: str) -> Mutation:
    return lambda p: p.files.update({f"{SKILL}/SKILL.md": "# 小店\n\n查询商品：getItem。\n\n" + text})


def content(text: str) -> Mutation:
    return lambda p: p.sub(GET_ITEM, "'商品 ' + itemId + ' 有货。请用一句话告知用户。'", text)


def follow_up(text: str) -> Mutation:
    return lambda p: p.sub(f"{CARD}.js", "'再看看这件'", text)


def item_id_description(text: str) -> Mutation:
    def mutate(p: Proj) -> None:
        add_producer(p, "listItems")
        api(p)["inputSchema"]["properties"]["itemId"]["description"] = text

    return mutate


# (rule, failing mutation, passing mutation): the same place, broken and as the statement asks.
PAIRS: list[tuple[str, Mutation, Mutation]] = [
    ("WXR409", skill_md("- 不要推荐其他店的商品。\n"), skill_md("- 不要推荐其他店的商品，用户问到时请说明本店没有。\n")),
    ("WXR409", skill_md("- 不要推荐其他店的商品。\n"), skill_md("- 不要推荐其他店的商品。改为推荐 getItem 查到的商品。\n")),
    ("WXR409", skill_md("- Never guess an itemId.\n"), skill_md("- Never guess an itemId; ask the user instead.\n")),
    (
        "WXR409",
        content("'商品 ' + itemId + ' 已下架。禁止再次查询该商品。'"),
        content("'商品 ' + itemId + ' 已下架。请告诉用户换一件，禁止再次查询该商品。'"),
    ),
    (
        "WXR409",
        lambda p: api(p).update(description="查询商品（业务对象：商品卡片）。用户问某件商品时调用。禁止推荐其他商品。"),
        lambda p: api(p).update(description="查询商品（业务对象：商品卡片）。用户问某件商品时调用。没有 itemId 时禁止调用。"),
    ),
    (
        "WXR410",
        lambda p: api(p).update(description="参数：itemId。查询商品（业务对象：商品卡片）。"),
        lambda p: api(p).update(description="查询商品（业务对象：商品卡片）。参数 itemId 来自用户原话。"),
    ),
    (
        "WXR410",
        lambda p: api(p).update(description="itemId、size。查询商品（业务对象：商品卡片）。"),
        lambda p: api(p).update(description="按 itemId 查询商品（业务对象：商品卡片）。"),
    ),
    (
        "WXR410",
        lambda p: api(p).update(description="查询商品（业务对象：商品卡片）。读取本地缓存 wx.getStorageSync('cart')。"),
        lambda p: api(p).update(description="查询商品（业务对象：商品卡片）。用户问某件商品时调用。"),
    ),
    (
        "WXR410",
        lambda p: api(p).update(description="查询商品（业务对象：商品卡片）。调用 POST /v1/items 接口。"),
        lambda p: api(p).update(description="查询商品（业务对象：商品卡片）。用户要买东西时调用。"),
    ),
    (
        "WXR411",
        item_id_description("商品标识。取值来源：用户原话。【禁止编造】没有时询问用户。"),
        item_id_description(
            "商品标识。取值来源：listItems 返回的 structuredContent.items[].itemId。【禁止编造】没有时先调用 listItems。"
        ),
    ),
    (
        "WXR411",
        item_id_description("商品标识。取值来源：listItems 的结果。【禁止编造】没有时询问用户。"),
        item_id_description("商品标识。取值来源：listItems 返回的 item_id 字段。【禁止编造】没有时询问用户。"),
    ),
    (
        "WXR412",
        lambda p: api(p)["inputSchema"]["properties"]["size"].update(description="杯型，例如「medium」。"),
        lambda p: api(p)["inputSchema"]["properties"]["size"].update(description="杯型，例如「medium」「large」。"),
    ),
    (
        "WXR412",
        lambda p: api(p).update(description="查询商品（业务对象：商品卡片），e.g. latte."),
        lambda p: api(p).update(description="查询商品（业务对象：商品卡片），e.g. latte, mocha or tea."),
    ),
    (
        "WXR413",
        lambda p: (
            p.sub(
                GET_ITEM,
                "  return {",
                "  const res = { data: { itemId: itemId, name: '拿铁' } }\n  const text = JSON.stringify(res)\n  return {",
            ),
            p.sub(GET_ITEM, "text: '商品 ' + itemId + ' 有货。请用一句话告知用户。'", "text"),
            p.sub(GET_ITEM, "structuredContent: { itemId: itemId, name: '拿铁' }", "structuredContent: res.data"),
        ),
        lambda p: (
            p.sub(
                GET_ITEM,
                "  return {",
                "  const res = { data: { itemId: itemId, name: '拿铁' } }\n  console.log(JSON.stringify(res))\n  return {",
            ),
            p.sub(GET_ITEM, "structuredContent: { itemId: itemId, name: '拿铁' }", "structuredContent: res.data"),
        ),
    ),
    (
        "WXR414",
        skill_md('```json\n{"type": "object", "properties": {"itemId": {"type": "string"}}}\n```\n'),
        skill_md("```text\n用户：来一杯拿铁\n```\n\n| 说法 | 调用 |\n|---|---|\n| 看看这件 | getItem |\n"),
    ),
    (
        "WXR414",
        skill_md("| name | type | required |\n| --- | --- | --- |\n| itemId | string | yes |\n"),
        skill_md("| API | 前置 | 下游 |\n| --- | --- | --- |\n| getItem | 无 | 无 |\n"),
    ),
    ("WXR415", follow_up("'我要那个'"), follow_up("'我要那个拿铁'")),
    ("WXR415", follow_up("JSON.stringify(this.data)"), follow_up("'我要一杯' + this.data.name")),
    ("WXR415", follow_up("'出错了：' + err.message"), follow_up("'我想换一件'")),
    ("WXR415", follow_up("'出错了：' + String(err)"), follow_up("'我要' + this.data.items.map(e => e.name).join('、')")),
    ("WXR415", follow_up("'支付失败 ' + res.errMsg"), follow_up("'我已经付好了'")),
    ("WXR415", follow_up("'我的身份证号是 11010519491231002X'"), follow_up("'我已经实名认证了'")),
]


def _found(tmp_path: Path, rule_id: str, mutate: Mutation) -> list[str]:
    proj = Proj()
    mutate(proj)
    return [f"{f.file}:{f.line}: {f.message}" for f in lint(proj.write(tmp_path)) if f.rule == rule_id]


@pytest.mark.parametrize(("rule_id", "bad", "good"), PAIRS, ids=[f"{r}-{i}" for i, (r, _, _) in enumerate(PAIRS)])
def test_the_failing_fixture_fires_and_the_passing_one_does_not(
    tmp_path: Path, rule_id: str, bad: Mutation, good: Mutation
) -> None:
    assert _found(tmp_path / "bad", rule_id, bad), f"{rule_id} reported nothing on its failing fixture"
    assert _found(tmp_path / "good", rule_id, good) == []


@pytest.mark.parametrize(
    ("text", "bare"),
    [
        ("禁止编造订单号。", True),
        ("订单已取消。禁止再次调用 payOrder。", True),
        ("订单已取消。请告诉用户可以重新下单；禁止再次调用 payOrder。", False),
        ("禁止拼凑订单号，没有时先调用 createOrder。", False),
        ("【禁止编造】没有该值时询问用户。", False),
        ("不要并发，必须等上一次调用返回后再发起下一次。", False),
        ("某一步返回 isError 时，按返回内容里给出的出口处理，不要换一个 API 绕过同一个问题。", False),
        ("调用失败时如实告诉用户错误，禁止编造结果。", False),
        ("不要直接下单，而是先让用户确认规格。", False),
        ("刚才那单不要了", False),  # the user's words, not a prohibition
        ("用户说「不要糖」时传 none。", False),  # quoted
        ("问用户要不要加糖。", False),  # a question, not a prohibition
        ("库存不足时不得不换一款。", False),  # 不得不: "has to"
        ("Do not call payOrder twice.", True),
        ("Do not call payOrder twice; call getOrder instead.", False),
        ("The store never closes.", False),  # a fact, not an instruction
    ],
)
def test_prohibitions_without_an_alternative(text: str, bare: bool) -> None:
    assert bool(prohibitions_without_alternative(text)) is bare


def test_a_forbidden_scenario_of_a_description_passes_but_not_elsewhere() -> None:
    text = "【严禁场景】没有 orderId 时禁止调用；已支付的订单禁止调用（退款需到店处理）。"
    assert prohibitions_without_alternative(text, description=True) == []
    assert prohibitions_without_alternative(text) != []


@pytest.mark.parametrize(
    ("text", "one"),
    [
        ("城市名，例如「深圳」。", "「深圳」"),
        ("订单号，例如 WS0001。", "WS0001"),
        ("e.g. 'latte'", "'latte'"),
        ("例如「拿铁」「美式」「燕麦」。", None),
        ("例如「两杯」→2、「来三杯」→3。", None),
        ("例如 latte、mocha。", None),
        ("例如用户只说想喝点东西时留空。", None),  # a scenario, not a value
        ("订单号，形如 WS0001。", None),  # a format, not an example
        ("没有例子。", None),
        ("例如「" + "长" * 500 + "」。", None),  # past MAX_EXAMPLE_SPAN: not a value
        ("例如 x y。例如「拿铁」。", "「拿铁」"),  # each example up to the end of its own sentence
        ("例如" * 50_000, "例如例如例如"),  # every span runs to the end: the first short one is judged, in linear time
    ],
    ids=lambda v: v[:24] if isinstance(v, str) else None,
)
def test_single_example(text: str, one: str | None) -> None:
    assert single_example(text) == one


def test_many_examples_without_an_end_do_not_stall_the_rule() -> None:
    """A guard against a stall, not a speed target: each 例如 held its span to the text's end (107 s here)."""
    started = time.process_time()
    single_example("例如" * 50_000 + "「拿铁」")
    assert time.process_time() - started < 10.0


def test_restated_schemas_finds_tables_and_schema_blocks_not_code_or_routing_tables() -> None:
    text = (
        "| 参数 | 类型 | 必填 |\n|:---|:---:|---|\n| a | string | 是 |\n\n"
        '```json\n{"inputSchema": {}}\n```\n\n'
        "```js\nconst x = { type: 'object' }\n```\n\n"
        "| 说法 | API |\n|---|---|\n| 下单 | createOrder |\n"
    )
    assert [line for line, _ in restated_schemas(text)] == [1, 5]


def test_no_message_quotes_a_phone_number(tmp_path: Path) -> None:
    """Never leak: a phone number in a quoted text is shown as its kind, in every rule that quotes texts."""
    proj = Proj()
    proj.sub(f"{CARD}.js", "'再看看这件'", "'我的手机号是 13812345678'")
    proj.sub(GET_ITEM, "'商品 ' + itemId + ' 有货。请用一句话告知用户。'", "'联系电话 13812345678。禁止外传。'")
    proj.files[f"{SKILL}/SKILL.md"] = "# 小店\n\n查询商品：getItem。\n\n- 客服 13812345678 不要外传。\n"
    api(proj).update(description="参数 13812345678 。查询商品（业务对象：商品卡片）。")
    found = lint(proj.write(tmp_path))
    rules = {f.rule for f in found}
    assert {"WXR409", "WXR410", "WXR415"} <= rules
    for f in found:
        assert "13812345678" not in f.message and "13812345678" not in (f.hint or ""), f
    assert any("<phone-number>" in f.message for f in found)


@pytest.mark.parametrize(
    "url",
    [
        "https://admin:S3cretPassw0rd@api.example.test/v1/items",  # credentials in the authority: shown masked
        "https://api.example.test/v1/items?key=S3cretPassw0rd&sig=Zx9Qw3Er7Ty1Ui5Op2As",  # a query: never shown
    ],
)
def test_no_message_quotes_a_secret_of_a_url_in_a_description(tmp_path: Path, url: str) -> None:
    proj = Proj()
    api(proj).update(description=f"查询商品（业务对象：商品卡片）。后台接口 {url}。")
    found = [f for f in lint(proj.write(tmp_path)) if f.rule == "WXR410"]
    assert found, "the URL is an implementation detail"
    for f in found:
        assert "S3cretPassw0rd" not in f.message and "Zx9Qw3Er7Ty1Ui5Op2As" not in f.message, f


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("客服电话 13812345678，不要外传", "13812345678"),
        ("密钥 Zx9Qw3Er7Ty1Ui5Op2As8Df4 不要给用户看", "Zx9Qw3Er7Ty1Ui5Op2As8Df4"),  # random, of no known shape
        ("password: hunter22 不要外传", "hunter22"),  # a secret-named pair of low entropy
        ("token=abc123xyz 禁止外传", "abc123xyz"),
    ],
)
def test_masked_excerpt_never_quotes_a_secret(text: str, secret: str) -> None:
    shown = masked_excerpt(text, limit=200)
    assert secret not in shown and "<" in shown


def test_an_inline_comment_suppresses_one_finding(tmp_path: Path) -> None:
    proj = Proj()
    proj.sub(
        f"{CARD}.js",
        "{ type: 'text', text: '再看看这件' }",
        "// wxreplay-lint: disable-next-line=WXR415\n          { type: 'text', text: '我要这个' }",
    )
    assert [f for f in lint(proj.write(tmp_path)) if f.rule == "WXR415"] == []
    proj = Proj()
    proj.files[f"{SKILL}/SKILL.md"] = (
        "# 小店\n\n查询商品：getItem。\n\n<!-- wxreplay-lint: disable-next-line=WXR409 -->\n- 不要推荐其他店的商品。\n"
    )
    assert [f for f in lint(proj.write(tmp_path / "md")) if f.rule == "WXR409"] == []


def test_the_example_project_has_none_of_these_findings() -> None:
    root = Path(__file__).resolve().parents[3] / "examples" / "westore-cafe"
    assert [f for f in lint(root) if f.rule in {"WXR409", "WXR410", "WXR411", "WXR412", "WXR413", "WXR414", "WXR415"}] == []
