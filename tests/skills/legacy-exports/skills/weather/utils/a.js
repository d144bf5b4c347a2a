// a.js and b.js require each other: b sees a's exports as they were when the cycle closed.
exports.name = 'a'
const b = require('./b')
exports.sawFromB = b.snapshotOfA
exports.done = true
