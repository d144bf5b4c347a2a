// A realtime dynamic card: polls _meta.url with setInterval + wx.request on the virtual clock,
// stops on Expire or when its stop button is tapped.
Component({
  data: { n: -1, polls: 0, state: 'idle', user: '' },
  lifetimes: {
    created () {
      const { NotificationType } = wx.modelContext
      const ctx = wx.modelContext.getContext(this)
      ctx.on(NotificationType.Result, ({ result }) => {
        const meta = result._meta || {}
        this._url = meta.url
        this.setData({ state: 'polling' })
        this.poll()
        this._timer = setInterval(() => this.poll(), meta.every || 1000)
      })
      ctx.on(NotificationType.Expire, () => this.stop('expired'))
    },
    detached () { this.stop('detached') }
  },
  methods: {
    poll () {
      wx.request({
        url: this._url,
        success: (res) => this.setData({ n: res.data.n, polls: this.data.polls + 1 }),
        fail: (err) => this.setData({ state: 'error ' + err.errMsg })
      })
    },
    stop (why) {
      if (this._timer) clearInterval(this._timer)
      this._timer = null
      this.setData({ state: why })
    },
    onStop () { this.stop('stopped') },
    async onLogin () {
      const { code } = await wx.login()
      this.setData({ user: code.slice(0, 3) })
    },
    async onLater () {
      await new Promise((resolve) => setTimeout(resolve, 500))
      this.setData({ state: 'later' })
    }
  }
})
