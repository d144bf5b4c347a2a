const { db, _, text } = require('../utils/db')

const PAGE_SIZE = 2

module.exports = async function listProducts ({ category, maxPrice, keyword, page = 0 } = {}) {
  const where = {}
  if (category) where.category = category
  if (maxPrice !== undefined) where.price = _.lte(maxPrice)
  if (keyword) where.name = db.RegExp({ regexp: keyword, options: 'i' })
  const query = db.collection('products').where(where)
  const { total } = await query.count()
  const res = await query.orderBy('price', 'asc').skip(page * PAGE_SIZE).limit(PAGE_SIZE)
    .field({ name: true, price: true }).get()
  return {
    content: text('共 ' + total + ' 件商品，本页 ' + res.data.length + ' 件。接下来请让用户选择商品。'),
    structuredContent: { total, page, items: res.data }
  }
}
