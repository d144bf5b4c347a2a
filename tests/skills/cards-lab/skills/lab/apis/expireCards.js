// The API-side expiry: wx.modelContext.expireAllCards({ componentPaths, match }).
module.exports = async function expireCards (opts = {}) {
  wx.modelContext.expireAllCards(opts)
  return { content: [{ type: 'text', text: '已让旧卡片失效。' }] }
}
