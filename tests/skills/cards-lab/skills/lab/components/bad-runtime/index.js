Component({
  data: { value: null },
  lifetimes: {
    created () {
      wx.modelContext.getContext(this).on(wx.modelContext.NotificationType.Result, ({ result }) => {
        this.setData({ value: result.structuredContent.value || null })
      })
    }
  }
})
