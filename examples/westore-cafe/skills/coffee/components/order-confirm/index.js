// 订单确认卡片（createOrder）。expirable：支付或取消后由 API 调用 expireAllCards 使其失效。
function priceText (price) {
  return '¥' + Number(price).toFixed(2)
}

Component({
  data: {
    orderId: '',
    name: '',
    specText: '',
    quantity: 1,
    totalText: '',
    imageUrl: '',
    expired: false
  },
  lifetimes: {
    created () {
      const { NotificationType } = wx.modelContext
      const modelCtx = wx.modelContext.getContext(this)
      modelCtx.on(NotificationType.Result, (data) => {
        const result = (data && data.result) || {}
        const sc = result.structuredContent || {}
        const meta = result._meta || {}
        this.setData({
          orderId: sc.orderId || '',
          name: sc.name || '',
          specText: sc.specText || '',
          quantity: sc.quantity || 1,
          totalText: priceText(sc.totalPrice || 0),
          imageUrl: meta.imageUrl || '',
          expired: false
        })
        wx.modelContext.getViewContext(this).setRelatedPage({ query: 'orderId=' + sc.orderId })
      })
      modelCtx.on(NotificationType.Expire, () => {
        this.setData({ expired: true })
      })
    }
  },
  methods: {
    onPay () {
      const { orderId, name, expired } = this.data
      if (!orderId || expired) return
      wx.modelContext.getContext(this).sendFollowUpMessage({
        content: [
          { type: 'text', text: '确认支付' + name + '订单' },
          { type: 'api/call', data: { name: 'payOrder', arguments: { orderId } } }
        ]
      })
    },
    onCancel () {
      const { orderId, name, expired } = this.data
      if (!orderId || expired) return
      wx.modelContext.getContext(this).sendFollowUpMessage({
        content: [
          { type: 'text', text: '取消' + name + '订单' },
          { type: 'api/call', data: { name: 'cancelOrder', arguments: { orderId } } }
        ]
      })
    }
  }
})
