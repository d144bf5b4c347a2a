// Registers the coffee skill's atomic APIs. The path must equal app.json agent.skills[].path.
const { logger, errorBoundary } = require('../_shared/middleware')
const searchDrinks = require('./apis/searchDrinks.js')
const { selectDrink } = require('./apis/selectDrink.js')
const createOrder = require('./apis/createOrder.js')
const { payOrder } = require('./apis/payOrder.js')
const getOrder = require('./apis/getOrder.js')
const { cancelOrder } = require('./apis/cancelOrder.js')

const skill = wx.modelContext.createSkill('skills/coffee')

skill.use(logger) // outermost: sees every call and the final result
skill.use(errorBoundary) // turns uncaught errors into isError results

skill.registerAPI('searchDrinks', searchDrinks)
skill.registerAPI('selectDrink', selectDrink)
skill.registerAPI('createOrder', createOrder)
skill.registerAPI('payOrder', payOrder)
skill.registerAPI('getOrder', getOrder)
skill.registerAPI('cancelOrder', cancelOrder)
