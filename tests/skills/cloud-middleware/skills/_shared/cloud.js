// Shared cloud middleware, written the way published packages write it: wx.cloud.init runs once
// per runtime (a module-level flag: the independent subpackage cannot rely on the main package's
// init), every API is a cloud function, and a failure becomes an isError result built from
// err.errCode and err.message, which the client's Error carries.
const ENV = 'mw-prod-4f5e'

let inited = false
let initCount = 0

function ensureCloud () {
  if (inited) return
  wx.cloud.init({ env: ENV, traceUser: true })
  inited = true
  initCount++
}

async function cloudInit (ctx, next) {
  ensureCloud()
  return next()
}

// How the middleware saw the failure: the test reads it back from structuredContent.
function describeError (err) {
  return {
    isError: err instanceof Error,
    errCode: err && err.errCode,
    message: err && err.message,
    errMsg: err && err.errMsg,
    sameText: !!err && err.message === err.errMsg
  }
}

async function errorBoundary (ctx, next) {
  try {
    return await next()
  } catch (err) {
    const code = err && typeof err.errCode === 'number' ? err.errCode : -1
    const reason = err instanceof Error ? err.message : String(err)
    console.error('[cloud-mw] ' + ctx.name + ' failed (' + code + '):', err)
    return {
      isError: true,
      content: [{ type: 'text', text: ctx.name + ' 失败（' + code + '）：' + reason + '。请如实告诉用户，禁止编造结果。' }],
      structuredContent: { error: describeError(err), initCount }
    }
  }
}

// An API that is one cloud function of the same name: arguments in, result out.
function cloudApi (name) {
  return async function (args) {
    const res = await wx.cloud.callFunction({ name, data: args })
    return {
      content: [{ type: 'text', text: name + ' 完成' }],
      structuredContent: { result: res.result, requestID: res.requestID, errMsg: res.errMsg, initCount }
    }
  }
}

module.exports = { ENV, cloudInit, errorBoundary, cloudApi, describeError, ensureCloud, initCount: () => initCount }
