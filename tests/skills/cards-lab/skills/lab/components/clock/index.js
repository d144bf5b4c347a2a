// A static card: no timers, no network (both are undefined in its wx / globals).
Component({
  data: { kinds: '' },
  lifetimes: {
    created () {
      wx.modelContext.getContext(this).on(wx.modelContext.NotificationType.Result, ({ result }) => {
        if (result.structuredContent.useTimer) {
          setTimeout(() => this.setData({ kinds: 'tick' }), 1000)
        }
        this.setData({ kinds: 'setTimeout:' + typeof setTimeout + ' request:' + typeof wx.request + ' storage:' + typeof wx.getStorageSync })
      })
    }
  }
})
