module.exports = async function pickItem ({ itemId }) {
  return { content: [{ type: 'text', text: '已选择商品 ' + itemId + '。' }], structuredContent: { itemId } }
}
