const { db, text } = require('../utils/db')

// Callback style wrapped in a Promise, as the official demo does.
function callStatus (orderId) {
  return new Promise((resolve, reject) => {
    wx.cloud.callFunction({
      name: 'orderStatus',
      data: { orderId },
      success: (res) => resolve(res.result),
      fail: reject
    })
  })
}

module.exports = async function orderStatus ({ orderId }) {
  const status = await callStatus(orderId)
  const order = await new Promise((resolve, reject) => {
    db.collection('orders').doc(orderId).get({ success: (res) => resolve(res.data), fail: reject })
  })
  return {
    content: text('订单 ' + orderId + ' 当前状态：' + status.status),
    structuredContent: { status, order: { _id: order._id, amount: order.amount, createdAt: order.createdAt.getTime() } }
  }
}
