// A standalone skill whose card has what a suggested tap must handle: two tiles with the same name,
// an icon with no text, a button whose text YAML would read as a number, and a footer nothing handles.
const skill = wx.modelContext.createSkill('skills/tap-picker')

skill.registerAPI('shelf', async () => ({
  content: [{ type: 'text', text: '货架上有 3 件商品。请展示货架卡片。' }],
  structuredContent: {
    items: [
      { id: 1, name: '拿铁', price: '¥28' },
      { id: 2, name: '拿铁', price: '¥28' },
      { id: 3, name: '生椰拿铁', price: '¥32' }
    ]
  }
}))
