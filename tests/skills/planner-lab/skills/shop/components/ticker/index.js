// A realtime dynamic card: counts its interval ticks on the virtual clock; stops when detached.
Component({
  data: { n: 0 },
  lifetimes: {
    created () {
      wx.modelContext.getContext(this).on(wx.modelContext.NotificationType.Result, ({ result }) => {
        const every = (result.structuredContent && result.structuredContent.every) || 1000
        this._timer = setInterval(() => this.setData({ n: this.data.n + 1 }), every)
      })
    },
    detached () {
      if (this._timer) clearInterval(this._timer)
      console.info('ticker detached at n=' + this.data.n)
    }
  }
})
