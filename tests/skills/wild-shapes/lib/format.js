// Outside the independent subpackage `skills/`: a skill cannot require this on the device.
module.exports = { price: (cents) => '¥' + (cents / 100).toFixed(2) }
