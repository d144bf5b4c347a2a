Component({
  data: { detail: { inner: '' } },
  lifetimes: {
    created () {
      wx.modelContext.getContext(this).on(wx.modelContext.NotificationType.Result, ({ result }) => {
        this.setData({ detail: (result.structuredContent || {}).detail })
      })
    }
  }
})
