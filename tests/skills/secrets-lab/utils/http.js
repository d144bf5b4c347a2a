// wx.request as a promise: resolves with the response (any status), rejects on a network error.
const config = require('./config')

function request (options) {
  return new Promise(function (resolve, reject) {
    wx.request(Object.assign({}, options, {
      url: config.BASE + options.url,
      success: resolve,
      fail: reject
    }))
  })
}

module.exports = { request }
