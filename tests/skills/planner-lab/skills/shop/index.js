// The conversation runner's test skill. Module state (visits) lives as long as the runtime;
// storage ('visits') outlives it.
let visits = 0

function text (t) { return [{ type: 'text', text: t }] }

wx.modelContext.registerAPI('list', async ({ n = 3 } = {}) => {
  const items = []
  for (let i = 1; i <= n; i++) items.push({ id: i, name: '商品' + i })
  return { content: text('共有 ' + n + ' 件商品。请展示列表卡片，请用户点选。'), structuredContent: { total: n, items } }
})

wx.modelContext.registerAPI('pick', async ({ itemId }) => ({
  content: text('已选择商品' + itemId + '。请展示详情卡片。'),
  structuredContent: { itemId, code: 'P' + (1000 + itemId), tags: ['new', 'hot'] },
  _meta: { note: 'private' },
  handoff: { query: 'itemId=' + itemId }
}))

wx.modelContext.registerAPI('chain', async ({ to = 2 } = {}) => ({
  content: text('已准备好商品' + to + '。接下来查看它的详情。'),
  apiCalls: [{ name: 'pick', arguments: { itemId: to } }]
}))

wx.modelContext.registerAPI('fail', async () => ({ isError: true, content: text('商品已下架。请告诉用户换一件，禁止重试。') }))

wx.modelContext.registerAPI('visit', async () => {
  visits += 1
  const total = (wx.getStorageSync('visits') || 0) + 1
  wx.setStorageSync('visits', total)
  return {
    content: text('本次运行第 ' + visits + ' 次访问，累计 ' + total + ' 次。'),
    structuredContent: { visits, total, session: wx.modelContext.getSessionId(), now: Date.now() }
  }
})

wx.modelContext.registerAPI('ticker', async ({ every = 1000 } = {}) => ({
  content: text('计时开始。请展示计时卡片。'), structuredContent: { every }
}))

wx.modelContext.registerAPI('expire', async () => {
  wx.modelContext.expireAllCards({ componentPaths: ['skills/shop/components/detail/index'] })
  return { content: text('已让详情卡片失效。') }
})

wx.modelContext.registerAPI('bare', async () => ({ content: text('请展示卡片。') }))

wx.modelContext.registerAPI('login', async () => {
  const { code } = await wx.login()
  return { content: text('已登录（' + code.length + ' 位登录码）。') }
})

wx.modelContext.registerAPI('throws', async () => {
  const items = null
  return { content: text(items.length + ' 件') }
})
