// 今日特价。野外常见的形状：技能自己的离线/预览开关存在 storage 里（demo:offline），
// 打开时返回内置演示数据、不请求网络；关闭时走 wx.request。
const MOCK = require('./data/mock')

const FLAG = 'demo:offline'
const DEFAULT_BASE = 'http://127.0.0.1:18790' // 特价服务；测试可用 storage 的 demo:api 换成别的地址

function isOffline () {
  const flag = wx.getStorageSync(FLAG)
  return flag === true || flag === 1 || flag === '1' || flag === 'true'
}

function fetchSpecials (city) {
  const base = wx.getStorageSync('demo:api') || DEFAULT_BASE
  return new Promise((resolve, reject) => {
    wx.request({
      url: base + '/api/specials?city=' + encodeURIComponent(city),
      method: 'GET',
      success: resolve,
      fail: reject
    })
  })
}

const skill = wx.modelContext.createSkill('skills/specials')

skill.registerAPI('listSpecials', async ({ city }) => {
  let items
  let source
  if (isOffline()) {
    items = MOCK[city] || MOCK.default
    source = 'mock'
  } else {
    const res = await fetchSpecials(city)
    if (res.statusCode !== 200 || !res.data || !Array.isArray(res.data.items)) {
      return {
        isError: true,
        content: [{ type: 'text', text: '特价服务暂时不可用（' + res.statusCode + '）。请告诉用户稍后再试，禁止编造特价。' }]
      }
    }
    items = res.data.items
    source = 'live'
  }
  const note = source === 'mock' ? '（离线演示数据）' : ''
  return {
    content: [{ type: 'text', text: city + '今日特价 ' + items.length + ' 款' + note + '。请展示特价卡片。' }],
    structuredContent: { city, source, items }
  }
})

skill.registerAPI('setPreview', ({ enabled }) => {
  wx.setStorageSync(FLAG, Boolean(enabled))
  return {
    content: [{ type: 'text', text: enabled ? '已打开离线演示模式。' : '已关闭离线演示模式。' }],
    structuredContent: { offline: Boolean(enabled) }
  }
})
