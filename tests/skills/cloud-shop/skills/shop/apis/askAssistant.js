const { text } = require('../utils/db')

module.exports = async function askAssistant ({ question, stream = false }) {
  const model = wx.cloud.extend.AI.createModel('hunyuan-exp')
  const messages = [{ role: 'system', content: '你是店长' }, { role: 'user', content: question }]
  if (!stream) {
    const res = await model.generateText({ model: 'hunyuan-lite', messages })
    return { content: text(res.text), structuredContent: { answer: res.text, messages: res.messages.length } }
  }
  const res = await model.streamText({ model: 'hunyuan-lite', messages })
  const chunks = []
  for await (const chunk of res.textStream) chunks.push(chunk)
  const deltas = []
  for await (const d of res.dataStream) deltas.push(d.choices[0].delta.content)
  const full = await res.text
  return { content: text(full), structuredContent: { answer: full, chunks, deltas } }
}
