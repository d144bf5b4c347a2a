// Main package: the usual cloud init. The skill subpackage is independent and cannot rely on it.
App({
  onLaunch () {
    wx.cloud.init({ env: 'shop-prod-7g2h', traceUser: true })
  }
})
