Component({
  data: { items: [] },
  lifetimes: {
    created () {
      wx.modelContext.getContext(this).on(wx.modelContext.NotificationType.Result, ({ result }) => {
        this.setData({ items: (result.structuredContent || {}).items || [] })
      })
    }
  },
  methods: {
    onPick (e) {
      const item = e.currentTarget.dataset.item
      wx.modelContext.getContext(this).sendFollowUpMessage({
        content: [
          { type: 'text', text: '我要一杯' + item.name },
          { type: 'api/call', data: { name: 'createOrder', arguments: { item: item.name } } }
        ]
      })
    },
    onBadOrder () {
      // The item is a number: the platform rejects this api/call (createOrder's inputSchema wants a string).
      wx.modelContext.getContext(this).sendFollowUpMessage({
        content: [
          { type: 'text', text: '随便来一杯' },
          { type: 'api/call', data: { name: 'createOrder', arguments: { item: 5 } } }
        ]
      })
    },
    onCrash () {
      const picked = null
      this.setData({ name: picked.name })
    }
  }
})
