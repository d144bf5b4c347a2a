// Card APIs: structuredContent says which probe the card runs, and where.
module.exports = async function echo ({ probe, where } = {}) {
  return { isError: false, content: [{ type: 'text', text: 'card' }], structuredContent: { probe, where } }
}
