// Argument checks done in code, so hard constraints do not rely on the model alone.
const SUGAR_VALUES = ['none', 'less', 'normal']
const SIZE_VALUES = ['medium', 'large']

function toDrinkId (value) {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
  return Number.isInteger(n) && n > 0 ? n : null
}

function toOrderId (value) {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{1,32}$/.test(value.trim()) ? value.trim() : null
}

function errorResult (text, meta) {
  const result = { isError: true, content: [{ type: 'text', text }] }
  if (meta) result._meta = meta
  return result
}

module.exports = { SUGAR_VALUES, SIZE_VALUES, toDrinkId, toOrderId, errorResult }
