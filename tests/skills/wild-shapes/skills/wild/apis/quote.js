// A third-party service on the internet: tests replay it from a cassette.
const BASE = 'https://quotes.wild-shapes.invalid'

function fetchQuote ({ symbol, base = BASE }) {
  return new Promise((resolve) => {
    wx.request({
      url: base + '/v1/quote?symbol=' + encodeURIComponent(symbol),
      success: (res) => resolve({ content: [{ type: 'text', text: symbol + ' 报价：' + res.data.price }] }),
      fail: (err) => {
        console.error('[ai-mode] quote failed: ' + err.errMsg)
        resolve({ isError: true, content: [{ type: 'text', text: '行情服务暂不可用，请稍后再试。' }] })
      }
    })
  })
}

module.exports = { fetchQuote }
