// 订单状态卡片（getOrder），实时动态组件（mcp.json 声明了 permissions["scope.dynamic"]）。
// 已支付订单：从 _meta 取 statusUrl / pollInterval，setInterval -> wx.request -> setData 刷新排队进度；
// 在 detached 和 Expire 时清除定时器。
const MAX_POLLS = 60

Component({
  data: {
    orderId: '',
    name: '',
    specText: '',
    statusText: '',
    pickupCode: '',
    live: false,
    queueText: '',
    etaText: ''
  },
  lifetimes: {
    created () {
      const { NotificationType } = wx.modelContext
      const modelCtx = wx.modelContext.getContext(this)
      modelCtx.on(NotificationType.Result, (data) => {
        const result = (data && data.result) || {}
        const sc = result.structuredContent || {}
        const meta = result._meta || {}
        const live = sc.status === 'PAID' && !!meta.statusUrl
        this.setData({
          orderId: sc.orderId || '',
          name: sc.name || '',
          specText: sc.specText || '',
          statusText: sc.statusText || '',
          pickupCode: sc.pickupCode || '',
          live,
          queueText: live ? '正在获取排队信息…' : '',
          etaText: ''
        })
        wx.modelContext.getViewContext(this).setRelatedPage({ query: 'orderId=' + sc.orderId })
        this.stopPolling()
        if (live) this.startPolling(meta.statusUrl, meta.pollInterval)
      })
      modelCtx.on(NotificationType.Expire, () => {
        this.stopPolling()
        this.setData({ live: false })
      })
    },
    detached () {
      this.stopPolling()
    }
  },
  methods: {
    startPolling (url, interval) {
      const every = Number(interval) > 0 ? Number(interval) : 5000
      this._polls = 0
      this.poll(url)
      this._timer = setInterval(() => {
        this._polls += 1
        if (this._polls >= MAX_POLLS) {
          this.stopPolling()
          return
        }
        this.poll(url)
      }, every)
    },
    stopPolling () {
      if (this._timer) {
        clearInterval(this._timer)
        this._timer = null
      }
    },
    poll (url) {
      wx.request({
        url,
        method: 'GET',
        success: (res) => {
          const body = res.data || {}
          if (res.statusCode !== 200 || body.code !== 0 || !body.data) {
            this.setData({ queueText: '排队信息暂时不可用', etaText: '' })
            return
          }
          this.setData({
            queueText: '前面还有 ' + body.data.queueLength + ' 杯',
            etaText: '预计 ' + body.data.etaMinutes + ' 分钟后出杯'
          })
        },
        fail: () => {
          this.setData({ queueText: '网络不稳定，稍后自动刷新', etaText: '' })
        }
      })
    }
  }
})
