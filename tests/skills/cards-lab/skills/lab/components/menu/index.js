// Taps: bubbling through bindtap, catchtap stopping it, dataset objects; every kind of upstream
// message (valid and broken), updateModelContext, detail pages, the related page, triggerEvent.
Component({
  data: { title: '', items: [], taps: [], favs: [] },
  lifetimes: {
    created () {
      wx.modelContext.getContext(this).on(wx.modelContext.NotificationType.Result, ({ result }) => {
        const sc = result.structuredContent
        this.setData({ title: sc.title || '菜单', items: sc.items || [] })
        wx.modelContext.getViewContext(this).setRelatedPage({ query: 'from=menu' })
      })
    }
  },
  methods: {
    note (e, who) {
      const t = e.target.dataset.id === undefined ? '-' : e.target.dataset.id
      const c = e.currentTarget.dataset.id === undefined ? '-' : e.currentTarget.dataset.id
      this.setData({ taps: this.data.taps.concat([who + ' target=' + t + ' current=' + c + ' type=' + e.type]) })
    },
    onMenu (e) { this.note(e, 'onMenu') },
    onItem (e) {
      this.note(e, 'onItem')
      const item = e.currentTarget.dataset.item
      wx.modelContext.getContext(this).sendFollowUpMessage({
        content: [
          { type: 'text', text: '我要' + item.name },
          { type: 'api/call', data: { name: 'pickItem', arguments: { itemId: item.id } } }
        ]
      })
    },
    onFav (e) {
      this.note(e, 'onFav')
      this.setData({ favs: this.data.favs.concat([e.currentTarget.dataset.id]) })
    },
    onUnknownApi () {
      wx.modelContext.getContext(this).sendFollowUpMessage({
        content: [{ type: 'text', text: '下单' }, { type: 'api/call', data: { name: 'pickItm', arguments: { itemId: 1 } } }]
      })
    },
    onBadArgs () {
      wx.modelContext.getContext(this).sendFollowUpMessage({
        content: [{ type: 'text', text: '下单' }, { type: 'api/call', data: { name: 'pickItem', arguments: { itemId: '一号' } } }]
      })
    },
    onNoText () {
      wx.modelContext.getContext(this).sendFollowUpMessage({
        content: [{ type: 'api/call', data: { name: 'pickItem', arguments: { itemId: 2 } } }]
      })
    },
    onSync () {
      wx.modelContext.getViewContext(this).updateModelContext({ content: [{ type: 'text', text: '用户收藏了 ' + this.data.favs.length + ' 件' }] })
    },
    async onSyncLater () {
      await Promise.resolve()
      wx.modelContext.getViewContext(this).updateModelContext({ content: [{ type: 'text', text: '稍后同步' }] })
    },
    onEmpty () {
      wx.modelContext.getViewContext(this).updateModelContext({ content: [] })
    },
    onDetail () {
      wx.modelContext.getViewContext(this).openDetailPage({ url: '/pages/detail/detail?id=1' })
    },
    onPreload () {
      wx.modelContext.getViewContext(this).preloadDetailPage({ path: '/pages/detail/detail', query: { id: 2 } })
    },
    onRelated () {
      wx.modelContext.getViewContext(this).setRelatedPageQuery({ query: 'tab=fav' })
    },
    onEmit (e) {
      this.triggerEvent('picked', { id: 7 }, { bubbles: true })
    }
  }
})
