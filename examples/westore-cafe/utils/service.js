// Main-package access to the WeStore service for the normal pages.
// The AI skill (independent subpackage) has its own copy under skills/coffee/utils; both share
// the login token through storage key 'westore:token'.
const BASE_URL = 'http://127.0.0.1:8765'
const TOKEN_KEY = 'westore:token'

function call (path, { method = 'GET', data, token } = {}) {
  const header = { 'content-type': 'application/json' }
  if (token) header.Authorization = 'Bearer ' + token
  return new Promise((resolve, reject) => {
    wx.request({
      url: BASE_URL + path,
      method,
      data,
      header,
      success (res) {
        const body = res.data || {}
        if (res.statusCode >= 200 && res.statusCode < 300 && body.code === 0) {
          resolve(body.data)
        } else {
          const err = new Error(body.message || 'HTTP ' + res.statusCode)
          err.statusCode = res.statusCode
          reject(err)
        }
      },
      fail (err) {
        reject(new Error((err && err.errMsg) || 'request failed'))
      }
    })
  })
}

async function login () {
  const { code } = await wx.login()
  const data = await call('/api/login', { method: 'POST', data: { code } })
  wx.setStorageSync(TOKEN_KEY, { token: data.token, openid: data.openid, savedAt: Date.now() })
  return data.token
}

async function authed (path, options = {}) {
  const saved = wx.getStorageSync(TOKEN_KEY)
  let token = saved && saved.token ? saved.token : await login()
  try {
    return await call(path, Object.assign({}, options, { token }))
  } catch (e) {
    if (e.statusCode !== 401) throw e
    token = await login()
    return call(path, Object.assign({}, options, { token }))
  }
}

function formatPrice (yuan) {
  return '¥' + Number(yuan || 0).toFixed(2)
}

module.exports = { call, authed, formatPrice }
