// Forgot Component({...}).
const data = { title: 'x' }
module.exports = data
