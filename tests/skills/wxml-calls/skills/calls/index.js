// Three card APIs over one fixed list of posts (deterministic: no clock, no network).
const skill = wx.modelContext.createSkill('skills/calls')
const feed = require('./utils/feed')

skill.registerAPI('timeline', async ({ saved } = {}) => feed.result(saved))
skill.registerAPI('digest', async ({ saved } = {}) => feed.result(saved))
skill.registerAPI('broken', async () => ({
  isError: false,
  content: [{ type: 'text', text: '订单 A1 已创建。' }],
  structuredContent: { order: { id: 'A1' } }
}))
