// Login state for the atomic-API context.
// wx.login -> POST /api/login {code} -> token, kept in memory (module state, lost on a cold start)
// and in storage under 'westore:token' (shared with the mini program, survives sessions).
const { BASE_URL, REQUEST_TIMEOUT, STORAGE_KEYS } = require('./config')

let cachedToken = null // in-memory cache: lives as long as this JS runtime
let pendingLogin = null // de-duplicates concurrent logins

function readStoredToken () {
  try {
    const saved = wx.getStorageSync(STORAGE_KEYS.token)
    return saved && saved.token ? saved.token : null
  } catch (e) {
    console.warn('[ai-mode] auth: cannot read stored token', e && e.errMsg)
    return null
  }
}

function postLogin (code) {
  return new Promise((resolve, reject) => {
    wx.request({
      url: BASE_URL + '/api/login',
      method: 'POST',
      data: { code },
      header: { 'content-type': 'application/json' },
      timeout: REQUEST_TIMEOUT,
      success (res) {
        const body = res.data || {}
        if (res.statusCode === 200 && body.code === 0 && body.data && body.data.token) {
          resolve(body.data)
        } else {
          const err = new Error('login rejected: ' + (body.message || ('HTTP ' + res.statusCode)))
          err.statusCode = res.statusCode
          err.code = 'LOGIN_REJECTED'
          reject(err)
        }
      },
      fail (err) {
        const e = new Error('login request failed: ' + (err && err.errMsg))
        e.code = 'NETWORK'
        reject(e)
      }
    })
  })
}

async function login () {
  if (pendingLogin) return pendingLogin
  pendingLogin = (async () => {
    const { code } = await wx.login()
    if (!code) {
      const e = new Error('wx.login returned no code')
      e.code = 'LOGIN_NO_CODE'
      throw e
    }
    const data = await postLogin(code)
    cachedToken = data.token
    wx.setStorageSync(STORAGE_KEYS.token, { token: data.token, openid: data.openid, savedAt: Date.now() })
    console.info('[ai-mode] auth: logged in')
    return cachedToken
  })()
  try {
    return await pendingLogin
  } finally {
    pendingLogin = null
  }
}

// Token from memory, then storage, then a fresh wx.login.
async function getToken () {
  if (cachedToken) return cachedToken
  const stored = readStoredToken()
  if (stored) {
    cachedToken = stored
    return stored
  }
  return login()
}

// Called on HTTP 401: forget the token everywhere so the next getToken() logs in again.
function clearToken () {
  cachedToken = null
  try {
    wx.removeStorageSync(STORAGE_KEYS.token)
  } catch (e) {
    console.warn('[ai-mode] auth: cannot remove stored token', e && e.errMsg)
  }
}

module.exports = { getToken, login, clearToken }
