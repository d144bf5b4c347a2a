// A map: MapContext through this.createSelectorQuery().select('#m').context() and wx.createMapContext.
Component({
  data: { lat: 0, lng: 0, center: '' },
  lifetimes: {
    created () {
      wx.modelContext.getContext(this).on(wx.modelContext.NotificationType.Result, ({ result }) => {
        this.setData({ lat: result.structuredContent.lat, lng: result.structuredContent.lng })
      })
    }
  },
  methods: {
    onCenter () {
      this.createSelectorQuery().select('#m').context((res) => {
        res.context.getCenterLocation({ success: (r) => this.setData({ center: r.latitude + ',' + r.longitude }) })
      }).exec()
    },
    onMove () {
      wx.createMapContext('m', this).moveToLocation({ latitude: 1.5, longitude: 2.5 })
    }
  }
})
