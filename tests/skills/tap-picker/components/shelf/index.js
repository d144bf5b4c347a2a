// Each tap writes what it reached on the card, so a test sees which node a scenario's tap hit.
Component({
  data: { items: [], last: '' },
  lifetimes: {
    created () {
      wx.modelContext.getContext(this).on(wx.modelContext.NotificationType.Result, ({ result }) => {
        this.setData({ items: result.structuredContent.items || [] })
      })
    }
  },
  methods: {
    onTile (e) {
      this.setData({ last: '点到了商品' + e.currentTarget.dataset.id })
    },
    onIcon () {
      this.setData({ last: '点到了图标' })
    },
    onNum () {
      this.setData({ last: '点到了按钮' })
    }
  }
})
