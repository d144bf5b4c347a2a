const a = require('./a')
exports.snapshotOfA = { name: a.name, done: a.done === true }
exports.aDoneNow = function () { return a.done === true }
