// The list card of the benchmark: n rows, a tap selects one and re-renders; Overflow is shown.
Component({
  data: { items: [], count: 0, selected: -1, clipped: 0 },
  lifetimes: {
    created () {
      const { NotificationType } = wx.modelContext
      wx.modelContext.getContext(this).on(NotificationType.Result, ({ result }) => {
        this.setData({ items: result.structuredContent.items })
      })
      wx.modelContext.getViewContext(this).on(NotificationType.Overflow, (d) => {
        this.setData({ clipped: d.overflowHeight > 0 ? d.overflowHeight : 0 })
      })
    }
  },
  methods: {
    onRow (e) {
      this.setData({ count: this.data.count + 1, selected: e.currentTarget.dataset.id })
    }
  }
})
