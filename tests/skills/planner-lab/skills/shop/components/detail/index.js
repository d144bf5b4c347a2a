Component({
  data: { code: '', itemId: 0, chosen: false },
  lifetimes: {
    created () {
      wx.modelContext.getContext(this).on(wx.modelContext.NotificationType.Result, ({ result }) => {
        const sc = result.structuredContent || {}
        this.setData({ code: sc.code || '', itemId: sc.itemId || 0 })
      })
    }
  },
  methods: {
    onChoose () { this.setData({ chosen: true }) }
  }
})
