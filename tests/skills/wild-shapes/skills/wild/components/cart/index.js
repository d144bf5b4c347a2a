// Written for a page: the card reads the app's global cart, which a card never has.
Component({
  data: { items: [], count: 0 },
  lifetimes: {
    attached () {
      console.info('[cart] attached, stored cart: ' + JSON.stringify(wx.getStorageSync('cart')))
      this.setData({ count: getApp().globalData.cart.length })
    }
  }
})
