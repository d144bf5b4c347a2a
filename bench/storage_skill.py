"""A storage-heavy skill modelled on real coffee skills, for the speed benchmarks (issue 16).

On first use it seeds a 35-item catalogue into storage; every API reads it back and makes 3-16
storage calls; ``createOrder`` also makes a ``wx.request``; ``searchDrinks`` has a card. The
sources live here as text so the floor (``bench/floor.py``) runs the very same handlers in bare
mini-racer with a stub ``wx``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from wxreplay import Project

DRINKS = [
    {
        "drinkId": 101 + i,
        "name": f"{['拿铁', '美式', '摩卡', '澳白', '冷萃'][i % 5]} No.{i}",
        "price": 18 + i % 7,
        "tags": ["热", "冰", "少糖"][: 1 + i % 3],
        "desc": "精选阿拉比卡咖啡豆，中度烘焙，口感顺滑。" * 2,
        "specs": {"sugar": ["none", "less", "normal"], "size": ["medium", "large"]},
    }
    for i in range(35)
]

CATALOG_JS = """const seed = require('./drinks.js')

function ensureCatalog () {
  if (wx.getStorageSync('cat:version') !== 3) {
    wx.setStorageSync('cat:items', seed)
    wx.setStorageSync('cat:version', 3)
  }
  return wx.getStorageSync('cat:items')
}

function prefs () {
  return wx.getStorageSync('user:prefs') || { sugar: 'less', size: 'medium' }
}

module.exports = { ensureCatalog, prefs }
"""

SEARCH_JS = """const { ensureCatalog, prefs } = require('../utils/catalog.js')

module.exports = async ({ keyword = '' } = {}) => {
  const items = ensureCatalog().filter((d) => d.name.indexOf(keyword) >= 0)
  const p = prefs()
  const recent = wx.getStorageSync('recent:search') || []
  wx.setStorageSync('recent:search', [keyword].concat(recent).slice(0, 10))
  return {
    content: [{ type: 'text', text: '已找到 ' + items.length + ' 款「' + keyword + '」。请展示饮品列表卡片。' }],
    structuredContent: {
      total: items.length,
      items: items.map((d) => ({ drinkId: d.drinkId, name: d.name, price: d.price })),
      sugar: p.sugar
    }
  }
}
"""

SELECT_JS = """const { ensureCatalog, prefs } = require('../utils/catalog.js')

module.exports = async ({ drinkId }) => {
  const drink = ensureCatalog().find((d) => d.drinkId === drinkId)
  if (!drink) return { isError: true, content: [{ type: 'text', text: '没有编号为 ' + drinkId + ' 的饮品。请重新搜索。' }] }
  const cart = wx.getStorageSync('cart') || []
  wx.setStorageSync('last:drink', drinkId)
  wx.setStorageSync('user:prefs', prefs())
  return {
    content: [{ type: 'text', text: '已选择' + drink.name + '，购物车 ' + cart.length + ' 件。请确认规格。' }],
    structuredContent: { drink, cartSize: cart.length }
  }
}
"""

ORDER_JS = """const { ensureCatalog, prefs } = require('../utils/catalog.js')

function post (path, data) {
  return new Promise((resolve, reject) => wx.request({
    url: 'https://cafe.bench.test' + path, method: 'POST', data, success: (r) => resolve(r.data), fail: reject
  }))
}

module.exports = async ({ drinkId, specs = {} }) => {
  const items = ensureCatalog()
  const drink = items.find((d) => d.drinkId === drinkId)
  const p = Object.assign({}, prefs(), specs)
  const cart = (wx.getStorageSync('cart') || []).concat([{ drinkId, specs: p }])
  wx.setStorageSync('cart', cart)
  const token = wx.getStorageSync('auth:token') || 'anonymous'
  const made = await post('/orders', { token, cart })
  const orders = wx.getStorageSync('orders') || []
  orders.unshift({ orderId: made.orderId, drinkId, total: drink.price * cart.length })
  wx.setStorageSync('orders', orders.slice(0, 20))
  wx.setStorageSync('last:order', made.orderId)
  wx.removeStorageSync('cart')
  for (const key of ['user:prefs', 'recent:search', 'last:drink']) wx.getStorageSync(key)
  const info = wx.getStorageInfoSync()
  return {
    content: [{ type: 'text', text: '订单 ' + made.orderId + ' 已创建，本地 ' + info.keys.length + ' 项。请提醒用户支付。' }],
    structuredContent: { orderId: made.orderId, total: drink.price * cart.length }
  }
}
"""

INDEX_JS = """const skill = wx.modelContext.createSkill('skills/cafe')
skill.use(async (ctx, next) => next())
skill.registerAPI('searchDrinks', require('./apis/searchDrinks.js'))
skill.registerAPI('selectDrink', require('./apis/selectDrink.js'))
skill.registerAPI('createOrder', require('./apis/createOrder.js'))
"""

CARD_JS = """Component({
  properties: { result: { type: Object, value: {} } },
  data: { items: [] },
  lifetimes: { attached () { this.setData({ items: (this.data.result.structuredContent || {}).items || [] }) } },
  methods: { onTap (e) { wx.modelContext.sendFollowUpMessage({ content: [{ type: 'text', text: '选这款' }] }) } }
})
"""

CARD_WXML = """<view class="card">
  <view class="tile" wx:for="{{items}}" wx:key="drinkId" bindtap="onTap" hover-class="tile-hover" data-id="{{item.drinkId}}">
    <text class="name">{{item.name}}</text>
    <text class="price">¥{{item.price}}</text>
  </view>
</view>
"""

CARD_WXSS = ".card { padding: 12px; }\n.tile { display: flex; padding: 8px; }\n.name { font-size: 15px; }\n"

#: Skill-relative path -> source: the files the floor bundles too.
SOURCES = {
    "index.js": INDEX_JS,
    "utils/catalog.js": CATALOG_JS,
    "utils/drinks.js": "module.exports = " + json.dumps(DRINKS, ensure_ascii=False) + "\n",
    "apis/searchDrinks.js": SEARCH_JS,
    "apis/selectDrink.js": SELECT_JS,
    "apis/createOrder.js": ORDER_JS,
}

#: The three calls of a "fresh session + 3 calls" and the warm calls measured.
CALLS: list[tuple[str, dict[str, Any]]] = [
    ("searchDrinks", {"keyword": "拿铁"}),
    ("selectDrink", {"drinkId": 101}),
    ("createOrder", {"drinkId": 101, "specs": {"sugar": "less"}}),
]


def order_response() -> dict[str, object]:
    """What the stub service answers ``POST /orders`` with, in both the harness and the floor."""
    return {"orderId": "WS0001", "status": "CREATED"}


def make_project(root: Path) -> Project:
    """Write the skill (app.json, mcp.json, sources, a card) under ``root`` and load it."""
    skill = root / "skills" / "cafe"
    for rel, text in SOURCES.items():
        (skill / rel).parent.mkdir(parents=True, exist_ok=True)
        (skill / rel).write_text(text, encoding="utf-8")
    card = skill / "components" / "drink-list"
    card.mkdir(parents=True)
    (card / "index.js").write_text(CARD_JS, encoding="utf-8")
    (card / "index.wxml").write_text(CARD_WXML, encoding="utf-8")
    (card / "index.wxss").write_text(CARD_WXSS, encoding="utf-8")
    (card / "index.json").write_text('{"component": true}', encoding="utf-8")
    (skill / "SKILL.md").write_text("# cafe\n", encoding="utf-8")
    card_path = "skills/cafe/components/drink-list/index"
    apis = [
        {"name": n, "description": f"bench {n}", "inputSchema": {"type": "object"}}
        | ({"_meta": {"ui": {"componentPath": card_path}}} if n == "searchDrinks" else {})
        for n, _ in CALLS
    ]
    (skill / "mcp.json").write_text(
        json.dumps({"apis": apis, "components": [{"path": card_path, "relatedPage": "/pages/home/home"}]}), encoding="utf-8"
    )
    (root / "pages" / "home").mkdir(parents=True)
    for ext, text in (("js", "Page({})"), ("json", "{}"), ("wxml", "<view/>"), ("wxss", "")):
        (root / "pages" / "home" / f"home.{ext}").write_text(text, encoding="utf-8")
    (root / "app.json").write_text(
        json.dumps(
            {
                "pages": ["pages/home/home"],
                "lazyCodeLoading": "requiredComponents",
                "subPackages": [{"root": "skills", "independent": True, "pages": []}],
                "agent": {"skills": [{"name": "cafe", "description": "bench cafe", "path": "skills/cafe"}]},
            }
        ),
        encoding="utf-8",
    )
    return Project.load(root)
