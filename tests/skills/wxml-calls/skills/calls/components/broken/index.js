// The order has no note: order.note.trim() has nothing to call.
Component({
  data: { order: {} },
  lifetimes: {
    created () {
      wx.modelContext.getContext(this).on(wx.modelContext.NotificationType.Result, ({ result }) => {
        this.setData({ order: result.structuredContent.order })
      })
    }
  }
})
