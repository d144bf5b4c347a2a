// Koa-style middlewares shared by the test skills (a `_shared/` folder beside the skill).

// Logs entry and exit with '[ai-mode]' prefixes, so tests can read the onion order.
function trace (label) {
  return async function (ctx, next) {
    console.info('[ai-mode] ' + label + '> ' + ctx.name + ' @' + ctx.skillPath)
    try {
      const result = await next()
      console.info('[ai-mode] ' + label + '< ' + ctx.name)
      return result
    } catch (e) {
      console.warn('[ai-mode] ' + label + '! ' + ctx.name + ' ' + e.message)
      throw e
    }
  }
}

// Turns an error thrown below it into an isError result instead of a crash.
async function errorBoundary (ctx, next) {
  try {
    return await next()
  } catch (e) {
    console.error('[ai-mode] ' + ctx.name + ' failed: ' + e.message)
    return {
      isError: true,
      content: [{ type: 'text', text: ctx.name + ' 未完成：' + e.message + '。请告诉用户稍后再试，禁止编造结果。' }],
      _meta: { error: { api: ctx.name, name: e.name, message: e.message } }
    }
  }
}

// Scribbles over ctx.arguments: the platform hands middlewares a copy, so handlers never see it.
async function scribble (ctx, next) {
  ctx.seenByMiddleware = JSON.stringify(ctx.arguments)
  ctx.arguments.text = 'MUTATED BY MIDDLEWARE'
  ctx.arguments.injected = true
  await next()
}

module.exports = { trace, errorBoundary, scribble }
