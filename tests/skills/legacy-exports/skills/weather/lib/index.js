// Required as a folder: require('../lib') resolves to lib/index.js. Uses the exports.x form.
const units = require('./units')

exports.formatTemp = function (celsius) {
  return units.round(celsius) + units.SYMBOL
}
exports.loadedAt = Date.now()
