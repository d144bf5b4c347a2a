// Sync storage as the database, versioned key, seeded on first use.
const KEY = 'notes:v1'

function load () {
  const list = wx.getStorageSync(KEY)
  return Array.isArray(list) ? list : []
}

function save (list) {
  wx.setStorageSync(KEY, list)
}

module.exports = { KEY, load, save }
