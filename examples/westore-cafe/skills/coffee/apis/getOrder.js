// getOrder {orderId} -> realtime order status card; GET /api/orders/<id>.
const http = require('../utils/request')
const { BASE_URL, STORE_STATUS_PATH, POLL_INTERVAL } = require('../utils/config')
const { formatPrice, specText, statusText } = require('../utils/format')
const { rememberOrder } = require('../utils/orders')
const { toOrderId, errorResult } = require('../utils/validate')

function textFor (order) {
  const id = order.orderId
  if (order.status === 'PAID') {
    return '订单 ' + id + ' 已支付，门店制作中，取餐码 ' + order.pickupCode + '。' +
      '请展示订单状态卡片，卡片会实时刷新排队人数与预计出杯时间；禁止以纯文本重复订单明细。'
  }
  if (order.status === 'CANCELLED') {
    return '订单 ' + id + ' 已取消，不会制作也不会扣款。' +
      '请展示订单状态卡片；用户仍想喝时从 searchDrinks 重新点单，禁止对该订单调用 payOrder。'
  }
  return '订单 ' + id + ' 尚未支付（待付 ' + formatPrice(order.totalPrice) + '）。' +
    '请展示订单状态卡片，并询问用户是支付（确认后调用 payOrder）还是取消（确认后调用 cancelOrder）；禁止未经用户确认直接支付或取消。'
}

module.exports = async function getOrder ({ orderId } = {}) {
  const id = toOrderId(orderId)
  if (id === null) {
    return errorResult('orderId 缺失或格式不对（收到：' + JSON.stringify(orderId === undefined ? null : orderId) + '），无法查询。' +
      '请询问用户要查哪一单，或使用 createOrder / payOrder 返回的 orderId；禁止拼凑订单号。')
  }

  let order
  try {
    order = await http.get('/api/orders/' + id, { auth: true })
  } catch (e) {
    if (e.statusCode === 404) {
      return errorResult('找不到订单 ' + id + '（不存在或不属于当前微信账号）。' +
        '请和用户核对订单号，或进入小程序「我的订单」查看；禁止再次用该订单号调用 getOrder。',
      { error: { orderId: id, statusCode: 404 } })
    }
    throw e
  }

  rememberOrder({ orderId: order.orderId, name: order.name, status: order.status, totalPrice: order.totalPrice })

  return {
    isError: false,
    content: [{ type: 'text', text: textFor(order) }],
    structuredContent: {
      orderId: order.orderId,
      name: order.name,
      specText: specText(order.specs),
      quantity: order.quantity,
      totalPrice: order.totalPrice,
      status: order.status,
      statusText: statusText(order.status),
      pickupCode: order.pickupCode || ''
    },
    _meta: {
      imageUrl: order.image,
      statusUrl: BASE_URL + STORE_STATUS_PATH,
      pollInterval: POLL_INTERVAL
    },
    handoff: {
      query: 'orderId=' + order.orderId,
      payload: { orderId: order.orderId, status: order.status }
    }
  }
}
