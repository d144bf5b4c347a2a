// wx.request wrapped in a Promise. Every call carries an X-Request-Id;
// { auth: true } adds the Bearer token and logs in again once on HTTP 401.
const { BASE_URL, REQUEST_TIMEOUT } = require('./config')
const auth = require('./auth')

function requestId () {
  return Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 10)
}

// Error carrying what the service said, so APIs can turn it into fact + action text.
function serviceError (res) {
  const body = (res && res.data) || {}
  const err = new Error(body.message || ('HTTP ' + res.statusCode))
  err.statusCode = res.statusCode
  err.code = body.code
  err.serviceMessage = body.message || ''
  return err
}

function send (path, { method = 'GET', data, token } = {}) {
  const header = { 'content-type': 'application/json', 'X-Request-Id': requestId() }
  if (token) header.Authorization = 'Bearer ' + token
  return new Promise((resolve, reject) => {
    wx.request({
      url: BASE_URL + path,
      method,
      data,
      header,
      timeout: REQUEST_TIMEOUT,
      success (res) {
        const body = res.data || {}
        if (res.statusCode >= 200 && res.statusCode < 300 && body.code === 0) {
          resolve(body.data)
        } else {
          reject(serviceError(res))
        }
      },
      fail (err) {
        const e = new Error('网络请求失败：' + ((err && err.errMsg) || 'unknown'))
        e.code = 'NETWORK'
        e.statusCode = 0
        reject(e)
      }
    })
  })
}

async function request (path, options = {}) {
  if (!options.auth) return send(path, options)
  const token = await auth.getToken()
  try {
    return await send(path, Object.assign({}, options, { token }))
  } catch (e) {
    if (e.statusCode !== 401) throw e
    console.warn('[ai-mode] request: 401 on ' + path + ', logging in again')
    auth.clearToken()
    const fresh = await auth.login()
    return send(path, Object.assign({}, options, { token: fresh }))
  }
}

module.exports = {
  request,
  get: (path, options) => request(path, Object.assign({}, options, { method: 'GET' })),
  post: (path, data, options) => request(path, Object.assign({}, options, { method: 'POST', data }))
}
