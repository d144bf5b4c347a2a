const service = require('../../utils/service')

const STATUS_TEXT = { CREATED: '待支付', PAID: '已支付，制作中', CANCELLED: '已取消' }
const SUGAR_TEXT = { none: '无糖', less: '少糖', normal: '标准糖' }
const SIZE_TEXT = { medium: '中杯', large: '大杯' }

Page({
  data: {
    order: null,
    statusText: '',
    specText: '',
    totalText: '',
    error: '',
    paying: false
  },

  onLoad (query) {
    // 接力（handoff）页面：query.orderId 来自 getOrder 返回的 handoff.query
    this.orderId = query && query.orderId ? String(query.orderId) : ''
    if (!this.orderId) {
      this.setData({ error: '缺少订单号' })
      return
    }
    const payload = getApp().takeHandoff('orderId', this.orderId)
    if (payload && payload.status) this.setData({ statusText: STATUS_TEXT[payload.status] || payload.status })
    this.refresh()
  },

  onPullDownRefresh () {
    this.refresh().then(() => wx.stopPullDownRefresh())
  },

  refresh () {
    return service.authed('/api/orders/' + this.orderId)
      .then((order) => this.setData({
        order,
        statusText: STATUS_TEXT[order.status] || order.status,
        specText: SUGAR_TEXT[order.specs.sugar] + ' / ' + SIZE_TEXT[order.specs.size],
        totalText: service.formatPrice(order.totalPrice),
        error: ''
      }))
      .catch((e) => this.setData({ error: e.message }))
  },

  async onPay () {
    if (this.data.paying) return
    this.setData({ paying: true })
    try {
      const params = await service.authed('/api/orders/' + this.orderId + '/prepay', { method: 'POST', data: {} })
      await wx.requestPayment({
        timeStamp: params.timeStamp,
        nonceStr: params.nonceStr,
        package: params.package,
        signType: params.signType,
        paySign: params.paySign
      })
      await service.authed('/api/orders/' + this.orderId + '/payment')
    } catch (e) {
      const msg = (e && (e.errMsg || e.message)) || ''
      wx.showToast({ title: msg.indexOf('cancel') !== -1 ? '已取消支付' : '支付未完成', icon: 'none' })
    }
    this.setData({ paying: false })
    this.refresh()
  }
})
