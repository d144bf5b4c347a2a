// Pays as soon as the order arrives (a Result handler, not a tap), then sends the follow-up.
Component({
  data: { orderId: '', amount: 0, status: '待支付' },
  lifetimes: {
    created () {
      wx.modelContext.getContext(this).on(wx.modelContext.NotificationType.Result, ({ result }) => {
        const sc = result.structuredContent || {}
        this.setData({ orderId: sc.orderId || '', amount: sc.amount || 0 })
        this.pay()
      })
    }
  },
  methods: {
    pay () {
      const orderId = this.data.orderId
      wx.requestPayment({
        timeStamp: '1700000000',
        nonceStr: 'nonce',
        package: 'prepay_id=demo',
        signType: 'RSA',
        paySign: 'sign',
        success: () => {
          this.setData({ status: '已支付' })
          wx.modelContext.getContext(this).sendFollowUpMessage({
            content: [
              { type: 'text', text: '我已完成支付' },
              { type: 'api/call', data: { name: 'confirmPayment', arguments: { orderId } } }
            ]
          })
        },
        fail: () => {
          this.setData({ status: '未支付' })
          wx.modelContext.getContext(this).sendFollowUpMessage({ content: [{ type: 'text', text: '我没有完成支付' }] })
        }
      })
    },
    onRetry () { this.pay() }
  }
})
