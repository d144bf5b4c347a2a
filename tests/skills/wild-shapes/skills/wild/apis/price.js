async function formatPrice ({ cents }) {
  // Reaches out of the independent subpackage `skills/` for the main package's helper.
  const format = require('../../../lib/format')
  return { content: [{ type: 'text', text: '价格：' + format.price(cents) }] }
}

module.exports = { formatPrice }
