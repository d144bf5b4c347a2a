// 饮品详情卡片（selectDrink）。用户在卡片上选糖度/杯型，确认后发送上行消息调用 createOrder。
// 这张卡片用 getViewContext(this).on(...) 接收通知（与 getContext(this).on 等价）。
function priceText (price) {
  return '¥' + Number(price).toFixed(2)
}

function labelOf (options, value) {
  const hit = (options || []).find((o) => o.value === value)
  return hit ? hit.label : ''
}

Component({
  data: {
    name: '',
    description: '',
    imageUrl: '',
    totalText: '',
    sugarOptions: [],
    sizeOptions: [],
    selected: { sugar: 'normal', size: 'medium' }
  },
  lifetimes: {
    created () {
      const { NotificationType } = wx.modelContext
      wx.modelContext.getViewContext(this).on(NotificationType.Result, (data) => {
        const result = (data && data.result) || {}
        const sc = result.structuredContent || {}
        const meta = result._meta || {}
        const options = sc.specOptions || {}
        const defaults = sc.defaultSpecs || {}
        const selected = { sugar: defaults.sugar || 'normal', size: defaults.size || 'medium' }
        // Non-rendered state lives on the instance, not in data.
        this._drinkId = sc.drinkId
        this._price = sc.price || 0
        this.setData({
          name: sc.name || '',
          description: sc.description || '',
          imageUrl: meta.imageUrl || '',
          sugarOptions: options.sugar || [],
          sizeOptions: options.size || [],
          selected,
          totalText: this.computeTotal(sc.price || 0, options.size || [], selected.size)
        })
        wx.modelContext.getViewContext(this).setRelatedPage({ query: 'drinkId=' + sc.drinkId })
      })
    }
  },
  methods: {
    computeTotal (price, sizeOptions, size) {
      const hit = sizeOptions.find((o) => o.value === size)
      return priceText(price + (hit ? hit.priceDelta || 0 : 0))
    },
    onTapSugar (e) {
      this.setData({ 'selected.sugar': e.currentTarget.dataset.value })
    },
    onTapSize (e) {
      const size = e.currentTarget.dataset.value
      this.setData({
        'selected.size': size,
        totalText: this.computeTotal(this._price || 0, this.data.sizeOptions, size)
      })
    },
    onConfirm () {
      const drinkId = this._drinkId
      const { name, selected, sugarOptions, sizeOptions } = this.data
      if (!drinkId) return
      wx.modelContext.getContext(this).sendFollowUpMessage({
        content: [
          { type: 'text', text: '我要' + labelOf(sugarOptions, selected.sugar) + labelOf(sizeOptions, selected.size) + name },
          {
            type: 'api/call',
            data: { name: 'createOrder', arguments: { drinkId, specs: { sugar: selected.sugar, size: selected.size } } }
          }
        ]
      })
    }
  }
})
