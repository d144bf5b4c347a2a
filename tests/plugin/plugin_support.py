"""The mini-cafe project and scenarios the plugin tests write into pytester directories.

A plain module (not conftest) so test modules can import it by name under pytest's default
import mode, with no ``tests`` package on sys.path.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

MCP = {
    "apis": [
        {
            "name": "searchDrinks",
            "description": "按关键词搜索饮品（业务对象：饮品列表卡片）",
            "inputSchema": {"type": "object", "properties": {"keyword": {"type": "string"}}},
            "_meta": {"ui": {"componentPath": "components/drink-list/index"}},
        },
        {
            "name": "createOrder",
            "description": "为一款饮品下单（业务对象：订单）",
            "inputSchema": {
                "type": "object",
                "properties": {"drinkId": {"type": "integer"}, "sugar": {"type": "string"}},
                "required": ["drinkId"],
            },
        },
        {"name": "broken", "description": "总是抛出异常的 API（测试专用）", "inputSchema": {"type": "object", "properties": {}}},
        {"name": "login", "description": "微信登录（业务对象：会话）", "inputSchema": {"type": "object", "properties": {}}},
        {
            "name": "nudge",
            "description": "只给指令、不陈述事实的 API（测试专用）",
            "inputSchema": {"type": "object", "properties": {}},
        },
    ],
    "components": [{"path": "components/drink-list/index"}],
}

FILES: dict[str, str] = {
    "app.json": json.dumps(
        {
            "pages": ["pages/home/home"],
            "subPackages": [{"root": "skills", "independent": True, "pages": []}],
            "agent": {"skills": [{"name": "cafe", "description": "迷你咖啡馆", "path": "skills/cafe"}]},
        },
        ensure_ascii=False,
    ),
    "skills/cafe/SKILL.md": "# cafe\n",
    "skills/cafe/mcp.json": json.dumps(MCP, ensure_ascii=False),
    "skills/cafe/index.js": """\
        const skill = wx.modelContext.createSkill('skills/cafe')
        skill.registerAPI('searchDrinks', require('./apis/searchDrinks'))
        skill.registerAPI('createOrder', require('./apis/createOrder'))
        skill.registerAPI('broken', require('./apis/broken'))
        skill.registerAPI('login', async () => {
          const { code } = await wx.login()
          return { content: [{ type: 'text', text: '已登录。' }], structuredContent: { code } }
        })
        skill.registerAPI('nudge', async () => ({ content: [{ type: 'text', text: '请展示饮品列表卡片。' }] }))
        """,
    "skills/cafe/apis/searchDrinks.js": """\
        const MENU = [{ drinkId: 101, name: '拿铁', price: 28 }, { drinkId: 102, name: '美式', price: 22 }]
        module.exports = async function searchDrinks ({ keyword = '' } = {}) {
          const items = MENU.filter((d) => d.name.indexOf(keyword) !== -1)
          return {
            content: [{ type: 'text', text: '找到 ' + items.length + ' 款饮品。请展示饮品列表卡片。' }],
            structuredContent: { keyword, items }
          }
        }
        """,
    "skills/cafe/apis/createOrder.js": """\
        module.exports = async function createOrder ({ drinkId, sugar = 'normal' }) {
          const user = wx.getStorageSync('cafe:user') || 'guest'
          const orderId = 'ord_' + Date.now().toString(36) + '7'
          const total = drinkId === 101 ? 28 : 22
          const text = '已为 ' + user + ' 下单，订单号 ' + orderId + '，合计 ' + total + ' 元。请提示用户付款。'
          return {
            content: [{ type: 'text', text }],
            structuredContent: { orderId, drinkId, sugar, total, user }
          }
        }
        """,
    "skills/cafe/apis/broken.js": """\
        module.exports = async function broken () {
          const menu = undefined
          return { content: [{ type: 'text', text: menu.length }] }
        }
        """,
    "skills/cafe/components/drink-list/index.json": '{"component": true}',
    "skills/cafe/components/drink-list/index.wxss": ".card { padding: 8px; }\n",
    "skills/cafe/components/drink-list/index.wxml": """\
        <view class="card">
          <view wx:for="{{items}}" wx:key="drinkId" class="tile" bindtap="onTap" data-drink-id="{{item.drinkId}}">
            <text class="name">{{item.name}}</text>
            <text class="price">¥{{item.price}}</text>
          </view>
        </view>
        """,
    "skills/cafe/components/drink-list/index.js": """\
        Component({
          data: { items: [] },
          lifetimes: {
            created () {
              const { NotificationType } = wx.modelContext
              wx.modelContext.getContext(this).on(NotificationType.Result, (data) => {
                const sc = (data && data.result && data.result.structuredContent) || {}
                this.setData({ items: sc.items || [] })
              })
            }
          },
          methods: {
            onTap (e) {
              const drinkId = Number(e.currentTarget.dataset.drinkId)
              wx.modelContext.getContext(this).sendFollowUpMessage({
                content: [
                  { type: 'text', text: '就要这个' },
                  { type: 'api/call', data: { name: 'createOrder', arguments: { drinkId } } }
                ]
              })
            }
          }
        })
        """,
}

LATTE = textwrap.dedent("""\
    name: 点一杯拿铁
    marks: [payment]
    turns:
      - user: 来一杯拿铁，少糖
        plan:
          - call: searchDrinks
            args: {keyword: 拿铁}
            save: {drinkId: "structuredContent.items[0].drinkId"}
          - render: searchDrinks
          - call: createOrder
            args: {drinkId: "${drinkId}", sugar: less}
            save: {orderId: structuredContent.orderId}
            expect:
              structuredContent: {total: 28}
          - reply: 已下单 ${orderId}
    """)


def write(root: Path, files: dict[str, str]) -> None:
    """Write ``files`` (posix path -> text, dedented) under ``root``."""
    for rel, text in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text), encoding="utf-8")


LOGIN = textwrap.dedent("""\
    name: 登录
    turns:
      - user: 帮我登录
        plan:
          - call: login
    """)
