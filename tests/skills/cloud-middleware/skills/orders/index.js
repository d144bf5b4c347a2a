const { cloudInit, errorBoundary, cloudApi } = require('../_shared/cloud')
const orderHistory = require('./apis/orderHistory')

const skill = wx.modelContext.createSkill('skills/orders')
skill.use(errorBoundary)
skill.use(cloudInit)

skill.registerAPI('listOrders', cloudApi('listOrders'))
skill.registerAPI('cancelOrder', cloudApi('cancelOrder'))
skill.registerAPI('orderHistory', orderHistory)
