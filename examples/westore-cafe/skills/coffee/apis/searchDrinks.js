// searchDrinks {keyword?} -> drink list card.
// The menu comes from storage ('westore:menu:v1'); only the first use calls GET /api/menu.
const { loadMenu } = require('../utils/menu')
const { formatPrice } = require('../utils/format.js')

function matches (drink, keyword) {
  const needle = keyword.toLowerCase()
  const fields = [drink.name, drink.category, drink.categoryLabel].concat(drink.tags || [])
  return fields.some((f) => typeof f === 'string' && f.toLowerCase().indexOf(needle) !== -1)
}

module.exports = async function searchDrinks ({ keyword } = {}) {
  const kw = typeof keyword === 'string' ? keyword.trim() : ''
  const { items: menu } = await loadMenu()
  const found = kw ? menu.filter((d) => matches(d, kw)) : menu

  const items = found.map((d) => ({
    drinkId: d.drinkId,
    name: d.name,
    price: d.price,
    category: d.category,
    categoryLabel: d.categoryLabel
  }))
  const images = {}
  found.forEach((d) => { images[d.drinkId] = d.image })

  let text
  if (items.length === 0) {
    text = '菜单中没有与「' + kw + '」匹配的饮品（当前在售 ' + menu.length + ' 款）。' +
      '请告诉用户没有找到，建议换一个饮品名，或不带关键词浏览全部饮品；' +
      '禁止用相同关键词重复调用 searchDrinks，禁止推荐菜单以外的饮品。'
  } else {
    const lowest = Math.min.apply(null, items.map((d) => d.price))
    text = (kw ? '已找到 ' + items.length + ' 款与「' + kw + '」相关的饮品' : '已列出全部 ' + items.length + ' 款在售饮品') +
      '（' + formatPrice(lowest) + ' 起）。' +
      '请展示饮品列表卡片，用一句话请用户点选想喝的饮品；用户已明确指定其中唯一一款时，可直接用它的 drinkId 调用 selectDrink。' +
      '禁止以纯文本罗列饮品和价格。'
  }

  return {
    isError: false,
    content: [{ type: 'text', text }],
    structuredContent: { keyword: kw, total: items.length, items },
    _meta: { images }
  }
}
