// A standalone skill directory that keeps a 35-item catalogue in storage, as shops in the wild do:
// seeded with wx.setStorageSync on first use, read back with wx.getStorageSync on every call.
const catalogue = require('./apis/catalogue')

const skill = wx.modelContext.createSkill('skills/catalogue')

skill.registerAPI('browseCatalogue', catalogue.browseCatalogue)
skill.registerAPI('repriceItem', catalogue.repriceItem)
