// Legacy shape: plain wx.modelContext.registerAPI (no createSkill), API modules exporting
// objects and destructured requires, with and without the .js suffix.
const { getWeather } = require('./apis/weather')
const { listCities } = require('./apis/cities.js')
const { addFavorite, listFavorites, clearFavorites } = require('./apis/favorites')
const { diagnostics, stats } = require('./apis/diagnostics')

wx.modelContext.registerAPI('getWeather', getWeather)
wx.modelContext.registerAPI('listCities', listCities)
wx.modelContext.registerAPI('addFavorite', addFavorite)
wx.modelContext.registerAPI('listFavorites', listFavorites)
wx.modelContext.registerAPI('clearFavorites', clearFavorites)
wx.modelContext.registerAPI('diagnostics', diagnostics)
wx.modelContext.registerAPI('stats', stats)
