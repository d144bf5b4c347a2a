// An expirable card with expiredText: Expire through a listener and the [INT] onExpire method;
// its buttons expire earlier tickets (expirePreviousCards) or passes (expireAllCards).
Component({
  data: { code: '', state: 'live', viaMethod: false },
  lifetimes: {
    created () {
      const { NotificationType } = wx.modelContext
      const ctx = wx.modelContext.getContext(this)
      ctx.on(NotificationType.Result, ({ result }) => {
        this.setData({ code: result.structuredContent.code })
        if (result.structuredContent.expireOthers) {
          wx.modelContext.getViewContext(this).expirePreviousCards({ componentPaths: ['/skills/lab/components/ticket/index'] })
        }
      })
      ctx.on(NotificationType.Expire, () => {
        this.setData({ state: 'expired' })
      })
    }
  },
  methods: {
    onExpire () {
      this.setData({ viaMethod: true })
    },
    onRenew () {
      wx.modelContext.getViewContext(this).expirePreviousCards({})
    },
    onExpirePass () {
      wx.modelContext.expireAllCards({ componentPath: 'components/pass/index', match: 'latest' })
    },
    onExpireSelf () {
      wx.modelContext.expireAllCards({ componentPaths: ['skills/lab/components/ticket/index.js'] })
    }
  }
})
