const { db, _, text } = require('../utils/db')

module.exports = async function placeOrder ({ productId, quantity = 1 }) {
  // Promise style, as the platform docs show for wx APIs.
  const { result, requestID } = await wx.cloud.callFunction({ name: 'quote', data: { productId, quantity } })
  if (!result.ok) {
    return { isError: true, content: text('无法下单：' + result.reason + '。请如实告诉用户。') }
  }
  const { _id } = await db.collection('orders').add({
    data: { productId, quantity, amount: result.amount, status: 'created', createdAt: db.serverDate() }
  })
  await db.collection('products').doc(productId).update({
    data: { stock: _.inc(-quantity), sold: _.inc(quantity), history: _.push({ orderId: _id, quantity }) }
  })
  return {
    content: text('订单 ' + _id + ' 已创建，金额 ¥' + result.amount + '。接下来请引导用户支付。'),
    structuredContent: { orderId: _id, amount: result.amount, requestID }
  }
}
