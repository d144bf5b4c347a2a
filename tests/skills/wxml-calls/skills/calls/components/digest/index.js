// The timeline written the documented way: every call is a function of the fmt wxs module.
Component({
  data: { posts: [], ids: [], updated: '' },
  lifetimes: {
    created () {
      wx.modelContext.getContext(this).on(wx.modelContext.NotificationType.Result, ({ result }) => {
        const sc = result.structuredContent
        this.setData({ posts: sc.posts, ids: sc.saved, updated: sc.updated })
      })
    }
  }
})
