// Async storage APIs with callbacks only (no Promise style).
const { newId } = require('../utils/ids')
const KEY = 'weather:favorites'

function readFavorites (done) {
  wx.getStorage({
    key: KEY,
    success (res) { done(res.data, null) },
    fail (err) { done([], err.errMsg) }
  })
}

function addFavorite ({ city }) {
  return new Promise(function (resolve, reject) {
    readFavorites(function (list, missing) {
      const fav = { id: newId('fav'), city: city, at: new Date().toISOString() }
      const next = list.concat([fav])
      wx.setStorage({
        key: KEY,
        data: next,
        success () {
          resolve({
            content: [{ type: 'text', text: '已收藏' + city + '，共 ' + next.length + ' 个收藏。' }],
            structuredContent: { favorite: fav, total: next.length, firstRead: missing }
          })
        },
        fail (err) { reject(new Error(err.errMsg)) }
      })
    })
  })
}

function listFavorites () {
  return new Promise(function (resolve) {
    readFavorites(function (list, missing) {
      wx.getStorageInfo({
        success (info) {
          resolve({
            content: [{ type: 'text', text: '共 ' + list.length + ' 个收藏。' }],
            structuredContent: { favorites: list, missing: missing, keys: info.keys }
          })
        }
      })
    })
  })
}

function clearFavorites () {
  return new Promise(function (resolve) {
    const steps = []
    wx.removeStorage({
      key: KEY,
      success (res) { steps.push(res.errMsg) },
      complete () {
        steps.push('complete')
        resolve({ content: [{ type: 'text', text: '收藏已清空。' }], structuredContent: { steps: steps } })
      }
    })
  })
}

module.exports = { addFavorite, listFavorites, clearFavorites }
