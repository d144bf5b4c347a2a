// The menu is fetched once and then served from storage ('westore:menu:v1').
// Bump the key's version when the cached shape changes.
const { STORAGE_KEYS } = require('./config')
const http = require('./request')

async function loadMenu () {
  const cached = wx.getStorageSync(STORAGE_KEYS.menu)
  if (cached && Array.isArray(cached.items) && cached.items.length) {
    return { items: cached.items, fromCache: true }
  }
  const data = await http.get('/api/menu')
  wx.setStorageSync(STORAGE_KEYS.menu, { items: data.items, fetchedAt: new Date().toISOString() })
  console.info('[ai-mode] menu: cached ' + data.items.length + ' drinks')
  return { items: data.items, fromCache: false }
}

function findDrink (items, drinkId) {
  return items.find((d) => d.drinkId === drinkId) || null
}

module.exports = { loadMenu, findDrink }
