// The skill's own secrets (config.js) go out in requests; the service's come back in responses.
const config = require('../utils/config')
const { request } = require('../utils/http')

const TOKEN_KEY = 'lab:token'

async function weather ({ city }) {
  const res = await request({ url: '/weather?location=' + encodeURIComponent(city) + '&key=' + config.WEATHER_KEY })
  const body = res.data
  if (body.code !== '200') {
    return { isError: true, content: [{ type: 'text', text: '天气服务返回 ' + body.code + '。' }] }
  }
  return {
    content: [{ type: 'text', text: city + '：' + body.now.text + '，' + body.now.temp + '℃。' }],
    structuredContent: { code: body.code, now: body.now, source: body.fxLink }
  }
}

async function signIn () {
  const login = await wx.login()
  const phone = await wx.getPhoneNumber({})
  const res = await request({ url: '/api/login', method: 'POST', data: { code: login.code, phoneCode: phone.code, jwt: config.CLIENT_JWT } })
  const data = res.data.data
  wx.setStorageSync(TOKEN_KEY, data.token)
  return {
    content: [{ type: 'text', text: '已登录，会话 ' + data.token + '。' }],
    structuredContent: {
      code: login.code,
      token: data.token,
      openid: data.openid,
      phoneNumber: data.phoneNumber,
      profile: data.profile,
      sessionHeader: res.header['X-Session-Token']
    }
  }
}

async function profile () {
  const token = wx.getStorageSync(TOKEN_KEY)
  const form = 'nickname=' + encodeURIComponent('小明') + '&phone=' + config.PHONE + '&password=' + config.PASSWORD
  const res = await request({
    url: '/api/profile?access_token=' + token + '&jwt=' + config.CLIENT_JWT + '&mobile=' + config.MOBILE,
    method: 'POST',
    header: {
      'content-type': 'application/x-www-form-urlencoded',
      Authorization: 'Bearer ' + token,
      'X-WX-Openid': config.OPENID,
      'X-Signature': config.SIGNATURE,
      'x-session-id': config.SESSION_ID,
      'X-Api-Key': config.API_KEY
    },
    data: form
  })
  const data = res.data
  return {
    content: [{ type: 'text', text: '资料已保存。' + data.notice + ' 下载：' + data.download }],
    structuredContent: { sentPhone: config.PHONE, contact: data.contact, cloud: data.cloud, links: data.links, notice: data.notice }
  }
}

function requestPayment (params) {
  return new Promise(function (resolve) {
    wx.requestPayment(Object.assign({}, params, {
      success (res) { resolve({ ok: true, errMsg: res.errMsg }) },
      fail (err) { resolve({ ok: false, errMsg: err.errMsg }) }
    }))
  })
}

async function pay () {
  const token = wx.getStorageSync(TOKEN_KEY)
  const res = await request({ url: '/api/pay', method: 'POST', header: { Authorization: 'Bearer ' + token }, data: { plan: 'year', cardNo: config.CARD_NO, idCard: config.ID_NUMBER, contacts: { [config.PHONE]: 'self' } } })
  const params = res.data.payment
  const paid = await requestPayment(params)
  return {
    content: [{ type: 'text', text: paid.ok ? '已支付，订单 ' + res.data.orderId + '。' : '支付失败。' }],
    structuredContent: { orderId: res.data.orderId, paid: paid.ok, params }
  }
}

module.exports = { weather, signIn, profile, pay }
