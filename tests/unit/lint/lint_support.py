"""A small, clean skill project for the lint tests, and helpers to break it one rule at a time.

``clean_project()`` lints with no finding at all; each test mutates one thing (``Proj``) so exactly
the rule under test has something to say.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SKILL = "skills/shop"
CARD = f"{SKILL}/components/item-card/index"

APP: dict[str, Any] = {
    "pages": ["pages/home/home"],
    "lazyCodeLoading": "requiredComponents",
    "subPackages": [{"root": "skills", "independent": True, "pages": []}],
    "agent": {
        "skills": [{"name": "shop", "description": "小店：查询商品", "path": SKILL}],
        "instruction": "AGENTS.md",
        "pageMetadata": "page-meta.json",
    },
}

MCP: dict[str, Any] = {
    "apis": [
        {
            "name": "getItem",
            "description": "查询商品（业务对象：商品卡片）。用户问某件商品时调用。",
            "inputSchema": {
                "type": "object",
                "properties": {
                    "itemId": {"type": "string", "description": "商品标识。取值来源：用户原话。【禁止编造】没有时询问用户。"},
                    "size": {"type": "string", "enum": ["medium", "large"], "description": "杯型"},
                },
                "required": ["itemId"],
            },
            "outputSchema": {
                "type": "object",
                "properties": {"itemId": {"type": "string"}, "name": {"type": "string"}},
                "required": ["itemId"],
            },
            "_meta": {"ui": {"componentPath": "components/item-card/index"}},
        }
    ],
    "components": [{"path": "components/item-card/index", "relatedPage": "/pages/home/home"}],
}

INDEX_JS = """const { getItem } = require('./apis/getItem.js')
const skill = wx.modelContext.createSkill('skills/shop')
skill.registerAPI('getItem', getItem)
"""

GET_ITEM_JS = """async function getItem ({ itemId } = {}) {
  return {
    isError: false,
    content: [{ type: 'text', text: '商品 ' + itemId + ' 有货。请用一句话告知用户。' }],
    structuredContent: { itemId: itemId, name: '拿铁' },
    _meta: { imageUrl: 'https://example.com/a.png' }
  }
}
module.exports = { getItem }
"""

CARD_JS = """Component({
  data: { name: '' },
  lifetimes: {
    created () {
      const modelCtx = wx.modelContext.getContext(this)
      modelCtx.on(wx.modelContext.NotificationType.Result, (data) => {
        const sc = data.result.structuredContent || {}
        this.setData({ name: sc.name || '' })
      })
    }
  },
  methods: {
    onTap () {
      wx.modelContext.getContext(this).sendFollowUpMessage({
        content: [
          { type: 'text', text: '再看看这件' },
          { type: 'api/call', data: { name: 'getItem', arguments: { itemId: 'a1' } } }
        ]
      })
    }
  }
})
"""

CARD_WXML = '<view class="card" hover-class="hover" bindtap="onTap">\n  <text>{{name}}</text>\n</view>\n'
CARD_WXSS = ".card {\n  padding: 12px;\n}\n.hover {\n  opacity: 0.8;\n}\n"


@dataclass
class Proj:
    """A project to write: ``app`` and ``mcp`` as data, every other file as text (bytes for binary, None to delete)."""

    app: dict[str, Any] = field(default_factory=lambda: copy.deepcopy(APP))
    mcp: dict[str, Any] = field(default_factory=lambda: copy.deepcopy(MCP))
    files: dict[str, str | bytes | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.files = {
            "AGENTS.md": "# 小店\n只回答与小店商品有关的问题。\n",
            "page-meta.json": json.dumps({"pages": [{"path": "pages/home/home", "name": "首页", "description": "小店首页"}]}),
            f"{SKILL}/SKILL.md": "# 小店\n\n查询商品：getItem。\n",
            f"{SKILL}/index.js": INDEX_JS,
            f"{SKILL}/apis/getItem.js": GET_ITEM_JS,
            f"{CARD}.json": '{"component": true, "usingComponents": {}}',
            f"{CARD}.js": CARD_JS,
            f"{CARD}.wxml": CARD_WXML,
            f"{CARD}.wxss": CARD_WXSS,
        }
        self.mcp_text: str | None = None  # written as is instead of ``mcp`` when set
        self.app_text: str | None = None

    def sub(self, path: str, old: str, new: str) -> None:
        """Replace ``old`` (which must be there) by ``new`` in file ``path``."""
        text = self.files[path]
        assert isinstance(text, str) and old in text, f"{old!r} not in {path}"
        self.files[path] = text.replace(old, new, 1)

    def write(self, root: Path) -> Path:
        """Write the project under ``root``; return ``root``."""
        out = {
            "app.json": self.app_text if self.app_text is not None else json.dumps(self.app, ensure_ascii=False, indent=2),
            f"{SKILL}/mcp.json": self.mcp_text
            if self.mcp_text is not None
            else json.dumps(self.mcp, ensure_ascii=False, indent=2),
            **self.files,
        }
        for rel, content in out.items():
            if content is None:
                continue
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return root
