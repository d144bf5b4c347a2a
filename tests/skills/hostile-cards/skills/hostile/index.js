// The API context's probes: in the handler, in a middleware, in a timer; `ok` must keep working.
const probes = require('./utils/probes')
const echo = require('./apis/echo')
const skill = wx.modelContext.createSkill('skills/hostile')
const done = { content: [{ type: 'text', text: 'done' }] }

skill.use(async (ctx, next) => {
  if (ctx.name === 'inMiddleware') await probes.run(ctx.arguments.probe, null)
  return next()
})
skill.registerAPI('inHandler', async ({ probe }) => { await probes.run(probe, null); return done })
skill.registerAPI('inMiddleware', async () => done)
skill.registerAPI('inTimer', async ({ probe }) => {
  await new Promise((resolve, reject) => setTimeout(() => { try { resolve(probes.run(probe, null)) } catch (e) { reject(e) } }, 10))
  return done
})
skill.registerAPI('fetch', async ({ url }) => {
  const res = await new Promise((resolve, reject) => wx.request({ url, success: resolve, fail: reject }))
  return { content: [{ type: 'text', text: 'fetched ' + res.data.length }] }
})
skill.registerAPI('ok', async () => ({ content: [{ type: 'text', text: 'ok' }] }))
skill.registerAPI('staticCard', echo)
skill.registerAPI('dynamicCard', echo)
