// The Result listener reads a field the result does not have.
Component({
  data: {},
  lifetimes: {
    created () {
      wx.modelContext.getContext(this).on(wx.modelContext.NotificationType.Result, ({ result }) => {
        const sc = result.structuredContent
        this.setData({ name: sc.profile.name })
      })
    }
  }
})
