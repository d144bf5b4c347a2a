const { text } = require('../utils/db')

module.exports = async function productImages ({ fileIDs }) {
  const { fileList } = await wx.cloud.getTempFileURL({ fileList: fileIDs })
  return { content: text('已获取 ' + fileList.length + ' 张图片'), structuredContent: { fileList } }
}
