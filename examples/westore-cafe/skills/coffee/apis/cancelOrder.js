// cancelOrder {orderId}: POST /api/orders/<id>/cancel (only unpaid orders).
const http = require('../utils/request')
const { ORDER_CONFIRM_CARD } = require('../utils/config')
const { rememberOrder } = require('../utils/orders')
const { toOrderId, errorResult } = require('../utils/validate')

async function cancelOrder ({ orderId } = {}) {
  const id = toOrderId(orderId)
  if (id === null) {
    return errorResult('orderId 缺失或格式不对（收到：' + JSON.stringify(orderId === undefined ? null : orderId) + '），没有取消任何订单。' +
      '请询问用户要取消哪一单，并使用 createOrder 返回的 orderId 原值；禁止拼凑订单号。')
  }

  let order
  try {
    order = await http.post('/api/orders/' + id + '/cancel', {}, { auth: true })
  } catch (e) {
    if (e.statusCode === 409) {
      return errorResult('订单 ' + id + ' 已支付，无法在线取消。' +
        '请告诉用户如需退款可到店联系店员处理；禁止再次调用 cancelOrder，禁止调用 payOrder。',
      { error: { orderId: id, statusCode: 409 } })
    }
    if (e.statusCode === 404) {
      return errorResult('找不到订单 ' + id + '（不存在或不属于当前微信账号），没有取消任何订单。' +
        '请和用户核对订单号；禁止再次用该订单号调用 cancelOrder。',
      { error: { orderId: id, statusCode: 404 } })
    }
    throw e
  }

  rememberOrder({ orderId: order.orderId, name: order.name, status: order.status, totalPrice: order.totalPrice })
  try {
    wx.modelContext.expireAllCards({ componentPaths: [ORDER_CONFIRM_CARD] })
  } catch (e) {
    console.warn('[ai-mode] cancelOrder: expireAllCards failed', e && (e.errMsg || e.message))
  }

  return {
    isError: false,
    content: [{
      type: 'text',
      text: '订单 ' + order.orderId + '（' + order.name + '）已取消，未产生扣款。' +
        '请用一句话告知用户，并询问是否需要重新点单（需要时调用 searchDrinks）；禁止对该订单调用 payOrder。'
    }],
    structuredContent: { orderId: order.orderId, status: order.status }
  }
}

module.exports = { cancelOrder }
