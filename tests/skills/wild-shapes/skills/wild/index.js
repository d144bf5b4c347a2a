// Run as a skill directory: no app.json lists this skill.
const { hello, readGlobalUser } = require('./apis/user')
const { formatPrice } = require('./apis/price')
const { fetchQuote } = require('./apis/quote')
const { syncCart, showCart } = require('./apis/cart')

const skill = wx.modelContext.createSkill('skills/wild')
skill.registerAPI('hello', hello)
skill.registerAPI('readGlobalUser', readGlobalUser)
skill.registerAPI('formatPrice', formatPrice)
skill.registerAPI('fetchQuote', fetchQuote)
skill.registerAPI('syncCart', syncCart)
skill.registerAPI('showCart', showCart)
skill.registerAPI('cartSummary', showCart)
