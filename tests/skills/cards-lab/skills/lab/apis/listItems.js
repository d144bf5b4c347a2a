const { price } = require('../utils/fmt')

module.exports = async function listItems ({ n = 3 } = {}) {
  const items = []
  for (let i = 1; i <= n; i++) items.push({ id: i, name: '商品 ' + i, price: price(i * 3) })
  return { content: [{ type: 'text', text: '共 ' + n + ' 件商品，请展示列表卡片。' }], structuredContent: { items } }
}
