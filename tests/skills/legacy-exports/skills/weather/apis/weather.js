const cities = require('../data/cities.json')
const { formatTemp } = require('../lib')

const API_BASE = 'https://weather.example.com/v1'

function findCity (q) {
  const key = String(q || '').trim().toLowerCase()
  return cities.find(function (c) { return c.name === key || c.alias === key }) || null
}

// Callback-style wx.request (success / fail / complete), wrapped in a Promise by hand.
function getWeather ({ city } = {}) {
  const found = findCity(city)
  if (!found) {
    return Promise.resolve({
      isError: true,
      content: [{ type: 'text', text: '不支持城市「' + city + '」。请调用 listCities 查看支持的城市，禁止编造城市代码。' }]
    })
  }
  return new Promise(function (resolve) {
    const task = wx.request({
      url: API_BASE + '/now',
      method: 'GET',
      data: { city: found.code, lang: 'zh' },
      success (res) {
        if (res.statusCode !== 200) {
          resolve({
            isError: true,
            content: [{ type: 'text', text: found.name + '天气服务返回 HTTP ' + res.statusCode + '。请告诉用户稍后再试，禁止编造天气。' }],
            _meta: { statusCode: res.statusCode, body: res.data }
          })
          return
        }
        const display = found.name + ' ' + formatTemp(res.data.temperature) + ' ' + res.data.text
        resolve({
          isError: false,
          content: [{ type: 'text', text: '已查到' + display + '。请用一句话告诉用户。' }],
          structuredContent: { city: found.name, code: found.code, temperature: res.data.temperature, text: res.data.text, display },
          handoff: { query: 'city=' + found.code }
        })
      },
      fail (err) {
        resolve({
          isError: true,
          content: [{ type: 'text', text: '天气服务不可用（' + err.errMsg + '）。请告诉用户稍后再试，禁止编造天气。' }]
        })
      },
      complete () {
        console.info('[ai-mode] weather request complete for ' + found.code)
      }
    })
    if (!task || typeof task.abort !== 'function') throw new Error('wx.request must return a RequestTask')
  })
}

module.exports = { getWeather }
