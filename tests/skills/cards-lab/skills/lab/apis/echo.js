// Every card API: returns its `data` as structuredContent and its `meta` as _meta.
module.exports = async function echo ({ data, meta, text } = {}) {
  return {
    isError: false,
    content: [{ type: 'text', text: text || '已返回数据，请展示卡片。' }],
    structuredContent: data || {},
    _meta: meta || {}
  }
}
