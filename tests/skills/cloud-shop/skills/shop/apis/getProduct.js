const { db, text } = require('../utils/db')

async function getProduct ({ id }) {
  try {
    const { data } = await db.collection('products').doc(id).get()
    return { content: text(data.name + ' ¥' + data.price + '，库存 ' + data.stock), structuredContent: { product: data } }
  } catch (e) {
    return { isError: true, content: text('商品 ' + id + ' 不存在（' + e.errMsg + '）。禁止编造商品编号，请重新调用 listProducts。') }
  }
}

module.exports = { getProduct }
