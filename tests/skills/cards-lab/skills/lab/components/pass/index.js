// Expirable, no expiredText: the overlay says the platform default.
Component({
  data: { code: '' },
  lifetimes: {
    created () {
      wx.modelContext.getContext(this).on(wx.modelContext.NotificationType.Result, ({ result }) => {
        this.setData({ code: result.structuredContent.code })
      })
    }
  }
})
