// Every API passes secrets through wx.request, host calls and its own result, as real skills do.
const account = require('./apis/account')

const skill = wx.modelContext.createSkill('skills/secrets-lab')
skill.registerAPI('weather', account.weather)
skill.registerAPI('signIn', account.signIn)
skill.registerAPI('profile', account.profile)
skill.registerAPI('pay', account.pay)
