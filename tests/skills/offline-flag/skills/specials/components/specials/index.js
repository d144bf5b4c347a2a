// 特价卡片（listSpecials）。数据只来自 Result 通知；离线演示数据会标出来。
Component({
  data: {
    city: '',
    offline: false,
    items: []
  },
  lifetimes: {
    created () {
      const { NotificationType } = wx.modelContext
      wx.modelContext.getContext(this).on(NotificationType.Result, (data) => {
        const sc = ((data && data.result) || {}).structuredContent || {}
        const items = (sc.items || []).map((it) => ({ id: it.id, name: it.name, priceText: '¥' + Number(it.price).toFixed(2) }))
        this.setData({ city: sc.city || '', offline: sc.source === 'mock', items })
      })
    }
  }
})
