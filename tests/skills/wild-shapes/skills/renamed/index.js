// Copied from a project where this skill lived at skills/shop: the folder was renamed since.
const skill = wx.modelContext.createSkill('skills/shop')
skill.registerAPI('ping', async () => ({ content: [{ type: 'text', text: 'pong' }] }))
