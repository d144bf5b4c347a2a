const a = require('../utils/a')
const b = require('../utils/b')
const lib = require('../lib/index.js')
const libAgain = require('../lib')

let moduleCalls = 0 // lives as long as the API context (one session)

async function diagnostics () {
  const app = getApp() // flagged: independent subpackages have no App instance
  return {
    content: [{ type: 'text', text: '自检完成。' }],
    structuredContent: {
      cycle: { bSawA: b.snapshotOfA, aSawFromB: a.sawFromB, aDoneNow: b.aDoneNow() },
      folderIndexCached: lib === libAgain,
      libLoadedAt: lib.loadedAt,
      appType: typeof app
    }
  }
}

function stats () {
  moduleCalls += 1
  const visits = (wx.getStorageSync('weather:visits') || 0) + 1
  wx.setStorageSync('weather:visits', visits)
  return Promise.resolve({
    content: [{ type: 'text', text: 'moduleCalls=' + moduleCalls + ' visits=' + visits }],
    structuredContent: { moduleCalls: moduleCalls, visits: visits }
  })
}

module.exports = { diagnostics, stats }
