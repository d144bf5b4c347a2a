// 饮品列表卡片（searchDrinks）。数据只来自 Result 通知；点选一款后发送上行消息调用 selectDrink。
function priceText (price) {
  return '¥' + Number(price).toFixed(2)
}

Component({
  data: {
    title: '',
    total: 0,
    items: []
  },
  lifetimes: {
    created () {
      const { NotificationType } = wx.modelContext
      wx.modelContext.getContext(this).on(NotificationType.Result, (data) => {
        const result = (data && data.result) || {}
        const sc = result.structuredContent || {}
        const images = (result._meta && result._meta.images) || {}
        const items = (sc.items || []).map((d) => ({
          drinkId: d.drinkId,
          name: d.name,
          categoryLabel: d.categoryLabel || '',
          priceText: priceText(d.price),
          image: images[d.drinkId] || ''
        }))
        this.setData({
          title: sc.keyword ? '「' + sc.keyword + '」相关饮品' : 'WeStore 咖啡菜单',
          total: sc.total || items.length,
          items
        })
        if (sc.keyword) {
          wx.modelContext.getViewContext(this).setRelatedPage({ query: 'keyword=' + encodeURIComponent(sc.keyword) })
        }
      })
    }
  },
  methods: {
    onTapDrink (e) {
      const drinkId = Number(e.currentTarget.dataset.drinkId)
      const drink = this.data.items.find((d) => d.drinkId === drinkId)
      if (!drink) return
      wx.modelContext.getContext(this).sendFollowUpMessage({
        content: [
          { type: 'text', text: '我想看看' + drink.name },
          { type: 'api/call', data: { name: 'selectDrink', arguments: { drinkId } } }
        ]
      })
    }
  }
})
