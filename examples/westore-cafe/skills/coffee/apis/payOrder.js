// payOrder {orderId}: POST /api/orders/<id>/prepay -> wx.requestPayment -> GET /api/orders/<id>/payment
// (up to PAY_QUERY_TRIES queries, one second apart, until SUCCESS).
const http = require('../utils/request')
const { PAY_QUERY_TRIES, ORDER_CONFIRM_CARD } = require('../utils/config')
const { formatPrice } = require('../utils/format')
const { rememberOrder } = require('../utils/orders')
const { toOrderId, errorResult } = require('../utils/validate')

async function queryPayment (orderId) {
  let status = 'NOTPAY'
  let data = null
  let tries = 0
  while (tries < PAY_QUERY_TRIES) {
    tries += 1
    data = await http.get('/api/orders/' + orderId + '/payment', { auth: true })
    status = data.status
    if (status === 'SUCCESS' || status === 'CLOSED') break
    if (tries < PAY_QUERY_TRIES) {
      await new Promise((resolve) => setTimeout(resolve, 1000))
    }
  }
  return { status, tries, totalPrice: data ? data.totalPrice : null }
}

function expireConfirmCard () {
  try {
    wx.modelContext.expireAllCards({ componentPaths: [ORDER_CONFIRM_CARD] })
  } catch (e) {
    // Expiring the old card is cosmetic; a failure must not turn a paid order into an error.
    console.warn('[ai-mode] payOrder: expireAllCards failed', e && (e.errMsg || e.message))
  }
}

async function payOrder ({ orderId } = {}) {
  const id = toOrderId(orderId)
  if (id === null) {
    return errorResult('orderId 缺失或格式不对（收到：' + JSON.stringify(orderId === undefined ? null : orderId) + '），未发起支付。' +
      '请使用 createOrder 返回的 orderId 原值调用 payOrder；没有订单时先调用 createOrder，禁止拼凑订单号。')
  }

  let params
  try {
    params = await http.post('/api/orders/' + id + '/prepay', {}, { auth: true })
  } catch (e) {
    if (e.statusCode === 404) {
      return errorResult('找不到订单 ' + id + '（不存在或不属于当前用户），未发起支付。' +
        '请确认用户要支付的是哪一单，或调用 createOrder 重新下单；禁止再次用该订单号调用 payOrder。',
      { error: { orderId: id, statusCode: 404 } })
    }
    if (e.statusCode === 409 && e.code === 40901) {
      return errorResult('订单 ' + id + ' 已经支付过，本次未重复扣款。' +
        '请调用 getOrder 展示订单状态卡片；禁止再次调用 payOrder。', { error: { orderId: id, statusCode: 409 } })
    }
    if (e.statusCode === 409) {
      return errorResult('订单 ' + id + ' 已取消，无法支付。' +
        '如用户仍想要这杯饮品，请重新调用 createOrder 下单；禁止对该订单再次调用 payOrder。', { error: { orderId: id, statusCode: 409 } })
    }
    throw e
  }

  try {
    await wx.requestPayment({
      timeStamp: params.timeStamp,
      nonceStr: params.nonceStr,
      package: params.package,
      signType: params.signType,
      paySign: params.paySign
    })
  } catch (e) {
    const errMsg = (e && e.errMsg) || String(e)
    if (errMsg.indexOf('cancel') !== -1) {
      return errorResult('用户在微信支付弹窗中取消了订单 ' + id + ' 的支付，未扣款，订单仍待支付。' +
        '请询问用户是要重新支付（用户确认后再调用 payOrder）还是取消订单（用户确认后调用 cancelOrder）；禁止在用户未确认时自动重新发起支付。',
      { error: { orderId: id, errMsg } })
    }
    return errorResult('订单 ' + id + ' 的微信支付未完成（' + errMsg + '），未确认扣款。' +
      '请告诉用户支付没有成功，可检查支付方式后说「重新支付」再调用 payOrder，或进入小程序查看订单；禁止连续自动重试 payOrder。',
    { error: { orderId: id, errMsg } })
  }

  const result = await queryPayment(id)
  if (result.status === 'CLOSED') {
    return errorResult('订单 ' + id + ' 的支付单已关闭（订单已取消或超时），本次没有成功扣款。' +
      '请告诉用户订单已失效，如仍想要请重新调用 createOrder 下单；禁止再次对该订单调用 payOrder。',
    { error: { orderId: id, paymentStatus: 'CLOSED', tries: result.tries } })
  }
  if (result.status !== 'SUCCESS') {
    return errorResult('已拉起微信支付，但连续 ' + result.tries + ' 次查询订单 ' + id + ' 的支付结果仍为未支付（' + result.status + '）。' +
      '请告诉用户支付结果确认中，稍后可询问订单进度（届时调用 getOrder）；禁止再次调用 payOrder，以免重复扣款。',
    { error: { orderId: id, paymentStatus: result.status, tries: result.tries } })
  }

  rememberOrder({ orderId: id, status: 'PAID', totalPrice: result.totalPrice })
  expireConfirmCard()

  return {
    isError: false,
    content: [{
      type: 'text',
      text: '订单 ' + id + ' 已支付成功（实付 ' + formatPrice(result.totalPrice) + '），门店开始制作。' +
        '请调用 getOrder 为用户展示订单状态卡片以便查看出杯进度；禁止再次调用 payOrder。'
    }],
    structuredContent: { orderId: id, status: 'PAID', totalPrice: result.totalPrice, paymentQueries: result.tries },
    _meta: { paidAtClient: new Date().toISOString() }
  }
}

module.exports = { payOrder }
