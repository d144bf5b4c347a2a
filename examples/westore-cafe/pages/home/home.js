const service = require('../../utils/service')

Page({
  data: {
    keyword: '',
    drinks: [],
    loading: true,
    error: ''
  },

  onLoad (query) {
    // AI 服务直达（page-meta.json）或卡片「进入小程序」会带上 keyword
    const keyword = query && query.keyword ? decodeURIComponent(query.keyword) : ''
    this.setData({ keyword })
    this.loadMenu(keyword)
  },

  onPullDownRefresh () {
    this.loadMenu(this.data.keyword).then(() => wx.stopPullDownRefresh())
  },

  loadMenu (keyword) {
    this.setData({ loading: true, error: '' })
    const path = '/api/menu' + (keyword ? '?keyword=' + encodeURIComponent(keyword) : '')
    return service.call(path)
      .then((data) => {
        const drinks = data.items.map((d) => Object.assign({}, d, { priceText: service.formatPrice(d.price) }))
        this.setData({ drinks, loading: false })
      })
      .catch((e) => this.setData({ loading: false, error: e.message }))
  },

  onShowAll () {
    this.setData({ keyword: '' })
    this.loadMenu('')
  },

  onTapDrink (e) {
    wx.navigateTo({ url: '/pages/drink/detail?drinkId=' + e.currentTarget.dataset.drinkId })
  }
})
