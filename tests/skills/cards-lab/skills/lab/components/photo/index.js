// An image card: bindload / binderror update its state text.
Component({
  data: { src: '', state: 'loading' },
  lifetimes: {
    created () {
      wx.modelContext.getContext(this).on(wx.modelContext.NotificationType.Result, ({ result }) => {
        this.setData({ src: result.structuredContent.src })
      })
    },
    detached () { console.info('[lab] photo detached') }
  },
  methods: {
    onLoad (e) { this.setData({ state: 'loaded ' + e.detail.width + 'x' + e.detail.height }) },
    onError (e) { this.setData({ state: 'failed: ' + e.detail.errMsg }) }
  }
})
