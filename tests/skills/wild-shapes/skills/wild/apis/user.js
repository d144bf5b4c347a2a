async function hello ({ name = '朋友' } = {}) {
  console.info('[ai-mode] hello ' + name)
  return { content: [{ type: 'text', text: '你好，' + name + '。' }] }
}

async function readGlobalUser () {
  // Written for a page: in an independent subpackage getApp() returns undefined.
  const user = getApp().globalData.user
  return { content: [{ type: 'text', text: '当前用户：' + user.nickName }] }
}

module.exports = { hello, readGlobalUser }
