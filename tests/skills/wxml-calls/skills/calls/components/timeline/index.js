// Shows the posts of the result; a tap stars or unstars a post (the card re-renders).
Component({
  data: { posts: [], ids: [], updated: '' },
  lifetimes: {
    created () {
      wx.modelContext.getContext(this).on(wx.modelContext.NotificationType.Result, ({ result }) => {
        const sc = result.structuredContent
        this.setData({ posts: sc.posts, ids: sc.saved, updated: sc.updated })
      })
    }
  },
  methods: {
    onPost (e) {
      const id = e.currentTarget.dataset.id
      const ids = this.data.ids.indexOf(id) >= 0 ? this.data.ids.filter((x) => x !== id) : this.data.ids.concat([id])
      this.setData({ ids })
    }
  }
})
