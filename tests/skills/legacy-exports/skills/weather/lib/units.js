module.exports = {
  SYMBOL: '°C',
  round (x) { return Math.round(x * 10) / 10 }
}
