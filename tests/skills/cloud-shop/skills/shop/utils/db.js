// Created at module load, before any middleware has run wx.cloud.init (common in published skills).
const db = wx.cloud.database()
const _ = db.command

function text (t) { return [{ type: 'text', text: t }] }

module.exports = { db, _, text }
