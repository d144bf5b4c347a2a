// selectDrink {drinkId} -> drink detail card; GET /api/drinks/<id>.
const http = require('../utils/request')
const { formatPrice } = require('../utils/format')
const { toDrinkId, errorResult } = require('../utils/validate')

async function selectDrink ({ drinkId } = {}) {
  const id = toDrinkId(drinkId)
  if (id === null) {
    return errorResult('drinkId 缺失或不是正整数（收到：' + JSON.stringify(drinkId === undefined ? null : drinkId) + '）。' +
      '请先调用 searchDrinks 检索饮品，再使用其返回的 drinkId 调用 selectDrink；禁止根据饮品名猜测 drinkId。')
  }

  let drink
  try {
    drink = await http.get('/api/drinks/' + id)
  } catch (e) {
    if (e.statusCode === 404) {
      return errorResult('菜单中不存在 drinkId 为 ' + id + ' 的饮品（可能已下架或编号有误）。' +
        '请调用 searchDrinks 重新检索，并使用返回结果中的 drinkId；禁止再次用 ' + id + ' 调用 selectDrink，禁止编造 drinkId。',
      { error: { drinkId: id, statusCode: 404 } })
    }
    throw e
  }

  const sugar = drink.specs.sugar.map((o) => ({ value: o.value, label: o.label }))
  const size = drink.specs.size.map((o) => ({ value: o.value, label: o.label, priceDelta: o.priceDelta }))

  return {
    isError: false,
    content: [{
      type: 'text',
      text: '已加载饮品「' + drink.name + '」的详情（' + formatPrice(drink.price) + ' 起，可选糖度与杯型）。' +
        '请展示饮品详情卡片，用一句话引导用户在卡片上选好糖度和杯型后确认下单；' +
        '用户已在对话中说明规格时，可直接按其说明调用 createOrder。禁止以纯文本列出规格清单。'
    }],
    structuredContent: {
      drinkId: drink.drinkId,
      name: drink.name,
      price: drink.price,
      category: drink.category,
      description: drink.description,
      specOptions: { sugar, size },
      defaultSpecs: { sugar: drink.defaultSpecs.sugar, size: drink.defaultSpecs.size }
    },
    _meta: { imageUrl: drink.image },
    handoff: {
      query: 'drinkId=' + drink.drinkId,
      payload: { drinkId: drink.drinkId, name: drink.name, price: drink.price }
    }
  }
}

module.exports = { selectDrink }
