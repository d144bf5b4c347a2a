// createOrder {drinkId, specs:{sugar,size}, quantity?} -> order confirm card; POST /api/orders.
const http = require('../utils/request')
const { formatPrice, specText } = require('../utils/format')
const { rememberOrder } = require('../utils/orders')
const { SUGAR_VALUES, SIZE_VALUES, toDrinkId, errorResult } = require('../utils/validate')

module.exports = async function createOrder ({ drinkId, specs, quantity } = {}) {
  const id = toDrinkId(drinkId)
  if (id === null) {
    return errorResult('drinkId 缺失或不是正整数（收到：' + JSON.stringify(drinkId === undefined ? null : drinkId) + '），无法下单。' +
      '请先调用 selectDrink 确认饮品，并原样使用其返回的 drinkId；禁止根据饮品名推断 drinkId。')
  }
  const s = specs && typeof specs === 'object' ? specs : {}
  if (SUGAR_VALUES.indexOf(s.sugar) === -1 || SIZE_VALUES.indexOf(s.size) === -1) {
    return errorResult('规格取值不合法（收到 sugar=' + JSON.stringify(s.sugar === undefined ? null : s.sugar) +
      '，size=' + JSON.stringify(s.size === undefined ? null : s.size) + '；sugar 只接受 ' + SUGAR_VALUES.join('/') +
      '，size 只接受 ' + SIZE_VALUES.join('/') + '）。' +
      '请把用户的说法映射成英文代码后重新调用 createOrder（如少糖→less、大杯→large；用户没提到的规格用 normal/medium）；禁止传中文标签。')
  }
  const qty = quantity === undefined || quantity === null ? 1 : Number(quantity)
  if (!Number.isInteger(qty) || qty < 1 || qty > 10) {
    return errorResult('杯数 ' + JSON.stringify(quantity) + ' 不在 1–10 之间，订单未创建。' +
      '请向用户确认要几杯（一次最多 10 杯）后再调用 createOrder；禁止自行改写用户说的杯数。')
  }

  let order
  try {
    order = await http.post('/api/orders', { drinkId: id, specs: { sugar: s.sugar, size: s.size }, quantity: qty }, { auth: true })
  } catch (e) {
    if (e.statusCode === 404) {
      return errorResult('drinkId 为 ' + id + ' 的饮品已不在菜单中，订单未创建。' +
        '请调用 searchDrinks 重新检索并让用户改选；禁止再次用该 drinkId 调用 createOrder。',
      { error: { drinkId: id, statusCode: 404 } })
    }
    if (e.statusCode === 400) {
      return errorResult('商家拒绝了这次下单参数（' + e.serviceMessage + '），订单未创建。' +
        '请向用户确认饮品规格与杯数后再调用 createOrder；禁止原样重复提交。',
      { error: { statusCode: 400, code: e.code } })
    }
    throw e
  }

  rememberOrder({ orderId: order.orderId, name: order.name, status: order.status, totalPrice: order.totalPrice })

  return {
    isError: false,
    content: [{
      type: 'text',
      text: '已按所选规格生成待支付订单 ' + order.orderId + '（合计 ' + formatPrice(order.totalPrice) + '）。' +
        '请展示订单确认卡片，用一句话引导用户核对后点击「确认支付」；用户确认前禁止调用 payOrder，禁止以纯文本重复订单明细。'
    }],
    structuredContent: {
      orderId: order.orderId,
      drinkId: order.drinkId,
      name: order.name,
      specs: { sugar: order.specs.sugar, size: order.specs.size },
      specText: specText(order.specs),
      quantity: order.quantity,
      totalPrice: order.totalPrice,
      status: order.status,
      createdAtClient: new Date().toISOString()
    },
    _meta: { imageUrl: order.image, unitPrice: order.unitPrice }
  }
}
