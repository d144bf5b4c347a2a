// WeStore 咖啡小程序入口。AI 模式的接力（handoff）在 onLaunch 里尽早注册。
App({
  globalData: {
    handoff: null // 最近一次 AI 接力的 { path?, query, payload }
  },

  onLaunch () {
    if (typeof wx.onAgentHandoff === 'function') {
      wx.onAgentHandoff((res) => {
        this.globalData.handoff = res || null
        console.info('[handoff] received', res && res.query)
      })
    }
  },

  // 页面用它取走与自己相关的接力数据（只取一次）。
  takeHandoff (key, value) {
    const h = this.globalData.handoff
    if (!h || !h.payload || String(h.payload[key]) !== String(value)) return null
    this.globalData.handoff = null
    return h.payload
  }
})
