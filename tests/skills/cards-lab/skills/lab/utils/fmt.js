// Shared by APIs and cards: cards require() inside the subpackage like APIs do.
function price (n) {
  return '¥' + Number(n).toFixed(2)
}
module.exports = { price }
