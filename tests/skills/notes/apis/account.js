const TOKEN_KEY = 'notes:token'

async function signIn () {
  let login
  try {
    login = await wx.login()
  } catch (err) {
    return { isError: true, content: [{ type: 'text', text: '登录失败（' + err.errMsg + '）。请让用户稍后重试。' }] }
  }
  let sessionValid = true
  await wx.checkSession().catch(function () { sessionValid = false })
  wx.setStorageSync(TOKEN_KEY, 'tok-' + login.code.slice(0, 8))
  return { content: [{ type: 'text', text: '已登录。' }], structuredContent: { code: login.code, sessionValid } }
}

const PRICES = { month: 600, year: 6000 }

function pay (params) {
  return new Promise(function (resolve) {
    wx.requestPayment(Object.assign({}, params, {
      success (res) { resolve({ ok: true, errMsg: res.errMsg }) },
      fail (err) { resolve({ ok: false, errMsg: err.errMsg }) }
    }))
  })
}

async function buyPremium ({ plan }) {
  const orderNo = 'P' + Date.now().toString(36).toUpperCase()
  const params = {
    timeStamp: String(Math.floor(Date.now() / 1000)),
    nonceStr: Math.random().toString(36).slice(2, 10),
    package: 'prepay_id=wx' + orderNo,
    signType: 'RSA',
    paySign: 'SIGNED'
  }
  const paid = await pay(params)
  if (paid.ok) {
    wx.setStorageSync('notes:premium', { plan, orderNo })
    return { content: [{ type: 'text', text: '已开通' + plan + '会员（¥' + PRICES[plan] / 100 + '）。' }], structuredContent: { orderNo, plan, errMsg: paid.errMsg } }
  }
  const cancelled = /cancel/.test(paid.errMsg)
  return {
    isError: true,
    content: [{ type: 'text', text: (cancelled ? '用户取消了支付' : '支付失败（' + paid.errMsg + '）') + '。禁止自动重复发起支付。' }],
    _meta: { errMsg: paid.errMsg, cancelled }
  }
}

async function bindPhone () {
  try {
    const res = await wx.getPhoneNumber({})
    return { content: [{ type: 'text', text: '已获取手机号授权码。' }], structuredContent: { code: res.code } }
  } catch (err) {
    return { isError: true, content: [{ type: 'text', text: '用户未授权手机号（' + err.errMsg + '）。' }], _meta: { errMsg: err.errMsg } }
  }
}

module.exports = { signIn, buyPremium, bindPhone }
