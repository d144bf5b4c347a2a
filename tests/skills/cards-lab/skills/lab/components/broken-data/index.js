// setData with values the view layer cannot receive, chosen by structuredContent.mode.
Component({
  data: { ok: '' },
  lifetimes: {
    created () {
      wx.modelContext.getContext(this).on(wx.modelContext.NotificationType.Result, ({ result }) => {
        const mode = result.structuredContent.mode
        if (mode === 'function') {
          this.setData({ onPick: function pick () {} })
        } else if (mode === 'nested') {
          this.setData({ 'a.b': { items: [1, () => 2] } })
        } else if (mode === 'bigint') {
          this.setData({ total: BigInt(10) })
        } else if (mode === 'cyclic') {
          const node = { name: 'root' }
          node.self = node
          this.setData({ node })
        } else if (mode === 'undefined') {
          this.setData({ ok: undefined })
        } else {
          this.setData({ ok: 'fine' })
        }
      })
    }
  }
})
