// The card the cart card should have been: its data comes from the API's result.
Component({
  data: { items: [] },
  lifetimes: {
    created () {
      wx.modelContext.getContext(this).on(wx.modelContext.NotificationType.Result, ({ result }) => {
        this.setData({ items: result.structuredContent.items })
      })
    }
  }
})
