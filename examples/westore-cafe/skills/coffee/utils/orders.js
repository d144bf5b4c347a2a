// Recent orders remembered on the device ('westore:orders:v1'), newest first, at most 20.
const { STORAGE_KEYS } = require('./config')

function readOrders () {
  const list = wx.getStorageSync(STORAGE_KEYS.orders)
  return Array.isArray(list) ? list : []
}

// Merges `patch` into the stored entry with the same orderId (or adds it) and moves it first.
function rememberOrder (patch) {
  const list = readOrders()
  const old = list.find((o) => o.orderId === patch.orderId) || {}
  const entry = Object.assign({}, old, patch, { updatedAt: new Date().toISOString() })
  const rest = list.filter((o) => o.orderId !== patch.orderId)
  rest.unshift(entry)
  wx.setStorageSync(STORAGE_KEYS.orders, rest.slice(0, 20))
  return entry
}

module.exports = { readOrders, rememberOrder }
