const cities = require('../data/cities.json')

async function listCities () {
  return {
    content: [{ type: 'text', text: '支持 ' + cities.length + ' 个城市：' + cities.map(function (c) { return c.name }).join('、') + '。' }],
    structuredContent: { cities: cities, sameObject: require('../data/cities.json') === cities }
  }
}

module.exports = { listCities }
