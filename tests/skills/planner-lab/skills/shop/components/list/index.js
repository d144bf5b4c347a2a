// Items: a tap sends an api/call to pick; 咨询 sends text only; 坏消息 names an API that does not exist.
Component({
  data: { items: [] },
  lifetimes: {
    created () {
      wx.modelContext.getContext(this).on(wx.modelContext.NotificationType.Result, ({ result }) => {
        this.setData({ items: result.structuredContent.items || [] })
      })
    }
  },
  methods: {
    onPick (e) {
      const item = e.currentTarget.dataset.item
      wx.modelContext.getContext(this).sendFollowUpMessage({
        content: [{ type: 'text', text: '我要' + item.name }, { type: 'api/call', data: { name: 'pick', arguments: { itemId: item.id } } }]
      })
    },
    onAsk () {
      wx.modelContext.getContext(this).sendFollowUpMessage({ content: [{ type: 'text', text: '有优惠吗' }] })
    },
    onBad () {
      wx.modelContext.getContext(this).sendFollowUpMessage({
        content: [{ type: 'text', text: '下单' }, { type: 'api/call', data: { name: 'pik', arguments: {} } }]
      })
    },
    onNothing () {}
  }
})
