// Shared middleware: every published cloud skill initialises wx.cloud itself, because the
// independent subpackage cannot rely on the main package's wx.cloud.init.
const ENV = 'shop-prod-7g2h'

async function cloudInit (ctx, next) {
  wx.cloud.init({ env: ENV, traceUser: true })
  console.info('[ai-mode] cloud ready for ' + ctx.name)
  return next()
}

async function errorBoundary (ctx, next) {
  try {
    return await next()
  } catch (e) {
    const reason = (e && (e.errMsg || e.message)) || String(e)
    console.error('[ai-mode] ' + ctx.name + ' failed: ' + reason)
    return {
      isError: true,
      content: [{ type: 'text', text: '调用 ' + ctx.name + ' 失败：' + reason + '。请告诉用户稍后再试，禁止编造结果。' }],
      _meta: { error: { errMsg: reason, errCode: e && e.errCode !== undefined ? e.errCode : null } }
    }
  }
}

module.exports = { cloudInit, errorBoundary, ENV }
