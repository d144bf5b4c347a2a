const service = require('../../utils/service')

const SUGAR_DEFAULT = 'normal'
const SIZE_DEFAULT = 'medium'

Page({
  data: {
    drink: null,
    sugar: SUGAR_DEFAULT,
    size: SIZE_DEFAULT,
    totalText: '',
    error: '',
    placing: false
  },

  onLoad (query) {
    // 接力（handoff）页面：query.drinkId 来自 selectDrink 返回的 handoff.query
    const drinkId = Number(query && query.drinkId)
    if (!drinkId) {
      this.setData({ error: '缺少饮品编号' })
      return
    }
    this.drinkId = drinkId
    const payload = getApp().takeHandoff('drinkId', drinkId)
    if (payload && payload.name) wx.setNavigationBarTitle({ title: payload.name })
    service.call('/api/drinks/' + drinkId)
      .then((drink) => {
        this.setData({ drink, sugar: drink.defaultSpecs.sugar, size: drink.defaultSpecs.size })
        this.updateTotal()
      })
      .catch((e) => this.setData({ error: e.message }))
  },

  updateTotal () {
    const { drink, size } = this.data
    const option = drink.specs.size.find((o) => o.value === size)
    this.setData({ totalText: service.formatPrice(drink.price + (option ? option.priceDelta : 0)) })
  },

  onTapSugar (e) {
    this.setData({ sugar: e.currentTarget.dataset.value })
  },

  onTapSize (e) {
    this.setData({ size: e.currentTarget.dataset.value })
    this.updateTotal()
  },

  onOrder () {
    if (this.data.placing) return
    this.setData({ placing: true })
    service.authed('/api/orders', {
      method: 'POST',
      data: { drinkId: this.drinkId, specs: { sugar: this.data.sugar, size: this.data.size }, quantity: 1 }
    })
      .then((order) => wx.redirectTo({ url: '/pages/order/detail?orderId=' + order.orderId }))
      .catch((e) => {
        this.setData({ placing: false })
        wx.showToast({ title: '下单失败：' + e.message, icon: 'none' })
      })
  }
})
