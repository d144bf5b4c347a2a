// Runs structuredContent.probe where structuredContent.where says: the Result handler
// ("result"), an observer ("observer") or a tap on #probe ("tap").
const probes = require('../../utils/probes')

Component({
  data: { stage: 'new', trigger: 0 },
  observers: {
    trigger (v) { if (v) probes.run(this._probe, this) }
  },
  lifetimes: {
    created () {
      wx.modelContext.getContext(this).on(wx.modelContext.NotificationType.Result, ({ result }) => {
        const { probe, where } = result.structuredContent
        this._probe = probe
        if (where === 'result') probes.run(probe, this)
        if (where === 'observer') this.setData({ trigger: 1 })
        this.setData({ stage: 'shown' })
      })
    }
  },
  methods: {
    onProbe () { return probes.run(this._probe, this) },
    onOk () { this.setData({ stage: 'ok' }) }
  }
})
