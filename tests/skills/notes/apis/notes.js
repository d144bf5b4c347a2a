const db = require('../utils/db')
const { withRetry } = require('../../_shared/retry')

const SYNC_URL = 'https://notes.example.com/api/sync'

async function addNote ({ title, body = '', tags = [] }) {
  console.info('[ai-mode] handler addNote')
  const list = db.load()
  const note = { id: 'n' + Date.now().toString(36) + list.length, title, body, tags, createdAt: new Date().toISOString() }
  list.push(note)
  db.save(list)
  return {
    isError: false,
    content: [{ type: 'text', text: '已保存笔记「' + title + '」。请告诉用户可以在笔记页查看。' }],
    structuredContent: { id: note.id, title: note.title, createdAt: note.createdAt, count: list.length },
    // Lazy handoff: resolved from the final result when the user taps the card.
    handoff: ({ result }) => ({ query: 'noteId=' + result.structuredContent.id, payload: { title: result.structuredContent.title } })
  }
}

// Deliberately not async: the platform awaits whatever the handler returns.
function listNotes ({ tag } = {}) {
  console.info('[ai-mode] handler listNotes')
  const list = db.load().filter(function (n) { return !tag || n.tags.indexOf(tag) >= 0 })
  return {
    content: [{ type: 'text', text: '共 ' + list.length + ' 条笔记。' }],
    structuredContent: { notes: list.map(function (n) { return { id: n.id, title: n.title } }) },
    handoff: { query: { tag: tag || 'all', count: list.length }, payload: { ids: list.map(function (n) { return n.id }) } }
  }
}

async function getNote ({ noteId }) {
  const note = db.load().find(function (n) { return n.id === noteId })
  if (!note) {
    return {
      isError: true,
      content: [{ type: 'text', text: '没有 id 为 ' + noteId + ' 的笔记。请先调用 listNotes 获取真实 id，禁止编造 id。' }]
    }
  }
  return { content: [{ type: 'text', text: '笔记「' + note.title + '」。' }], structuredContent: note }
}

async function brokenNote () {
  console.info('[ai-mode] handler brokenNote')
  const missing = undefined
  return missing.title // TypeError, caught by the errorBoundary middleware
}

async function probeArgs (args) {
  console.info('[ai-mode] handler probeArgs')
  return { content: [{ type: 'text', text: 'ok' }], structuredContent: { handlerSaw: args } }
}

async function planDay () {
  return {
    content: [{ type: 'text', text: '已规划。接下来依次列出笔记并同步。' }],
    apiCalls: [
      { name: 'listNotes', arguments: { tag: 'today' } },
      { name: 'syncNotes', arguments: {} }
    ]
  }
}

function post (attempt) {
  return wx.request({ url: SYNC_URL, method: 'POST', data: { notes: db.load(), attempt } }).then(function (res) {
    if (res.statusCode >= 500) throw new Error('HTTP ' + res.statusCode)
    return res.data
  })
}

async function syncNotes () {
  const started = Date.now()
  const { value, attempts } = await withRetry(post, 3, 2000)
  return {
    content: [{ type: 'text', text: '已同步 ' + value.synced + ' 条笔记（第 ' + attempts + ' 次尝试）。' }],
    structuredContent: { synced: value.synced, attempts, waitedMs: Date.now() - started }
  }
}

module.exports = { addNote, listNotes, getNote, brokenNote, probeArgs, planDay, syncNotes }
