// Issue 13's test skill: each API makes one scripted host call, then talks to the local service
// at storage 'base' with what the script answered, so the recorded HTTP depends on the script.

function text (t) { return [{ type: 'text', text: t }] }

function request (method, path, data, header) {
  return new Promise((resolve, reject) => {
    wx.request({
      url: wx.getStorageSync('base') + path,
      method,
      data,
      header: header || {},
      timeout: wx.getStorageSync('timeout') || 60000,
      success: resolve,
      fail: reject
    })
  })
}

wx.modelContext.registerAPI('menu', async () => {
  try {
    const r = await request('GET', '/menu')
    return { content: text('菜单共 ' + r.data.items.length + ' 项。'), structuredContent: r.data }
  } catch (err) {
    // A skill that swallows a network error: only the recording itself can make this fail.
    return { content: text('菜单暂时不可用。'), structuredContent: { items: [] } }
  }
})

wx.modelContext.registerAPI('signin', async () => {
  const { code } = await wx.login()
  const r = await request('POST', '/login', { code })
  wx.setStorageSync('token', r.data.token)
  return { content: text('已登录。'), structuredContent: { user: r.data.user } }
})

wx.modelContext.registerAPI('orders', async () => {
  const r = await request('GET', '/orders', undefined, { Authorization: 'Bearer ' + wx.getStorageSync('token') })
  if (r.statusCode !== 200) return { isError: true, content: text('读取订单失败：' + r.statusCode + '。') }
  return { content: text('共 ' + r.data.orders.length + ' 个订单。'), structuredContent: r.data }
})

wx.modelContext.registerAPI('pay', async ({ orderId }) => {
  const prepay = await request('POST', '/prepay', { orderId })
  try {
    await wx.requestPayment(prepay.data.params)
  } catch (err) {
    return { isError: true, content: text('支付未完成：' + err.errMsg + '。'), _meta: { errMsg: err.errMsg } }
  }
  const done = await request('POST', '/paid', { orderId })
  return { content: text('已支付，状态 ' + done.data.status + '。'), structuredContent: done.data }
})

wx.modelContext.registerAPI('nearby', async () => {
  let loc
  try {
    loc = await wx.getLocation({ type: 'gcj02' })
  } catch (err) {
    return { isError: true, content: text('无法定位：' + err.errMsg + '。'), _meta: { errMsg: err.errMsg } }
  }
  const r = await request('GET', '/stores?lat=' + loc.latitude + '&lng=' + loc.longitude)
  return { content: text('附近有 ' + r.data.stores.length + ' 家门店。'), structuredContent: r.data }
})

wx.modelContext.registerAPI('quote', async ({ n = 1 } = {}) => {
  wx.cloud.init({ env: 'till-env' })
  const q = await wx.cloud.callFunction({ name: 'quote', data: { n } })
  const r = await request('POST', '/quote', { price: q.result.price })
  return { content: text('报价 ' + q.result.price + ' 元。'), structuredContent: { price: q.result.price, ok: r.data.ok } }
})
