// Koa-style middlewares shared by every skill of this mini program.
// Usage: skill.use(logger); skill.use(errorBoundary)  (outer -> inner)

// Logs every call with '[ai-mode]' prefixes and its duration, and passes the result through.
async function logger (ctx, next) {
  const startedAt = Date.now()
  console.info('[ai-mode] call ' + ctx.name + ' ' + safeJson(ctx.arguments))
  try {
    const result = await next()
    const ms = Date.now() - startedAt
    if (result && result.isError) {
      console.warn('[ai-mode] done ' + ctx.name + ' isError=true in ' + ms + 'ms')
    } else {
      console.info('[ai-mode] done ' + ctx.name + ' in ' + ms + 'ms')
    }
    return result
  } catch (e) {
    console.error('[ai-mode] fail ' + ctx.name + ' after ' + (Date.now() - startedAt) + 'ms: ' + (e && e.message))
    throw e
  }
}

// Turns an uncaught handler error into an isError result (fact + next exit + what not to do),
// so the model never sees a raw stack trace and never retries blindly.
async function errorBoundary (ctx, next) {
  try {
    return await next()
  } catch (e) {
    const reason = describe(e)
    console.error('[ai-mode] ' + ctx.name + ' threw: ' + reason)
    return {
      isError: true,
      content: [{
        type: 'text',
        text: '调用 ' + ctx.name + ' 未完成：' + reason + '。' +
          '请如实告诉用户服务暂时不可用，建议稍后再试或进入小程序继续操作；' +
          '禁止立即重复调用 ' + ctx.name + '，禁止编造任何结果或编号。'
      }],
      _meta: {
        error: {
          api: ctx.name,
          message: (e && e.message) || String(e),
          code: e && e.code !== undefined ? e.code : null,
          statusCode: e && e.statusCode !== undefined ? e.statusCode : null
        }
      }
    }
  }
}

function describe (e) {
  if (!e) return '未知错误'
  if (e.code === 'NETWORK') return '无法连接商家服务（网络异常）'
  if (e.statusCode >= 500) return '商家服务内部错误（HTTP ' + e.statusCode + '）'
  if (e.statusCode === 401) return '登录状态失效且重新登录未成功'
  if (e.statusCode) return '商家服务拒绝了请求（HTTP ' + e.statusCode + '）'
  return '程序异常（' + (e.message || String(e)) + '）'
}

function safeJson (value) {
  try {
    return JSON.stringify(value === undefined ? {} : value)
  } catch (e) {
    return '[unserialisable]'
  }
}

module.exports = { logger, errorBoundary }
