// Ids the way published skills make them: base-36 time plus a random tail.
function newId (prefix) {
  return prefix + '_' + Date.now().toString(36) + '_' + Math.random().toString(36).slice(2, 8)
}
module.exports = { newId }
