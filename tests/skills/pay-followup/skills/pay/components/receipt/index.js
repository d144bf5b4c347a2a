Component({
  data: { orderId: '' },
  lifetimes: {
    created () {
      wx.modelContext.getContext(this).on(wx.modelContext.NotificationType.Result, ({ result }) => {
        this.setData({ orderId: (result.structuredContent || {}).orderId || '' })
      })
    }
  }
})
