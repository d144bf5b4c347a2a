// Reads the cloud database directly; the collection may not exist in the cloud environment.
const db = wx.cloud.database()

module.exports = async function orderHistory () {
  const res = await db.collection('orderHistory').orderBy('at', 'desc').get()
  return { content: [{ type: 'text', text: res.data.length + ' 条历史' }], structuredContent: { items: res.data } }
}
