// Storage as the database: a versioned key, seeded from the bundled catalogue when missing or stale.
const SEED = require('../data/catalogue.json')

const KEY = 'shop:catalogue:v2'

function load () {
  const stored = wx.getStorageSync(KEY)
  if (stored && stored.version === SEED.version && Array.isArray(stored.items)) {
    return stored
  }
  const fresh = { version: SEED.version, items: SEED.items.map(function (item) { return Object.assign({}, item) }) }
  wx.setStorageSync(KEY, fresh)
  return wx.getStorageSync(KEY)
}

function browseCatalogue ({ category } = {}) {
  const items = load().items.filter(function (item) { return !category || item.category === category })
  return {
    content: [{ type: 'text', text: '目录中有 ' + items.length + ' 件商品。请按分类向用户介绍。' }],
    structuredContent: { total: items.length, skus: items.slice(0, 3).map(function (item) { return item.sku }) }
  }
}

function repriceItem ({ sku, price }) {
  const data = load()
  const item = data.items.find(function (it) { return it.sku === sku })
  if (!item) {
    return { isError: true, content: [{ type: 'text', text: '没有商品 ' + sku + '。请先调用 browseCatalogue 查看真实的 sku。' }] }
  }
  item.price = price
  wx.setStorageSync(KEY, data)
  return {
    content: [{ type: 'text', text: item.name + ' 的价格已改为 ' + price + ' 元。' }],
    structuredContent: { sku: sku, price: price }
  }
}

module.exports = { KEY, browseCatalogue, repriceItem }
