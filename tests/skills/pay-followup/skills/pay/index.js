// A payment skill shaped like ones seen in real packages: the order's card asks for the payment
// itself (wx.requestPayment is for cards only) when the result arrives, and tells the assistant
// how it went with a follow-up message, outside any tap.
function text (t) { return [{ type: 'text', text: t }] }

wx.modelContext.registerAPI('listItems', async () => ({
  content: text('有 3 款饮品。请展示饮品卡片，请用户点选。'),
  structuredContent: { items: [{ id: 1, name: '拿铁' }, { id: 2, name: '拿铁' }, { id: 3, name: '美式' }] }
}))

wx.modelContext.registerAPI('createOrder', async ({ item }) => {
  const n = (wx.getStorageSync('orders') || 0) + 1
  wx.setStorageSync('orders', n)
  const orderId = 'PO' + (1000 + n)
  return {
    content: text('已为「' + item + '」下单，订单号 ' + orderId + '。请展示支付卡片，卡片会发起支付。'),
    structuredContent: { orderId, item, amount: 28 }
  }
})

wx.modelContext.registerAPI('confirmPayment', async ({ orderId }) => ({
  content: text('订单 ' + orderId + ' 已支付。请展示回执卡片。'),
  structuredContent: { orderId, status: 'PAID' }
}))

wx.modelContext.registerAPI('brokenReceipt', async () => ({
  content: text('回执已生成。请展示回执卡片。'),
  structuredContent: { detail: null }
}))

wx.modelContext.registerAPI('throwing', async () => {
  const order = null
  return { content: text(order.id) }
})
