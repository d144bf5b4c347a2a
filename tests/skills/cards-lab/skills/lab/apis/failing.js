module.exports = async function failing () {
  return { isError: true, content: [{ type: 'text', text: '查询失败，请稍后再试。' }] }
}
