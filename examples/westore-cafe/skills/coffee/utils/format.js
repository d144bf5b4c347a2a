// Display helpers shared by the APIs. Labels live here so that enum codes stay English.
const SUGAR_LABELS = { none: '无糖', less: '少糖', normal: '标准糖' }
const SIZE_LABELS = { medium: '中杯', large: '大杯' }
const STATUS_LABELS = {
  CREATED: '待支付',
  PAID: '已支付，制作中',
  CANCELLED: '已取消'
}

function formatPrice (yuan) {
  const n = Number(yuan)
  if (!isFinite(n)) return '¥--'
  return '¥' + n.toFixed(2)
}

function specText (specs) {
  const s = specs || {}
  return [SUGAR_LABELS[s.sugar] || s.sugar, SIZE_LABELS[s.size] || s.size].filter(Boolean).join(' / ')
}

function statusText (status) {
  return STATUS_LABELS[status] || status
}

module.exports = { formatPrice, specText, statusText, SUGAR_LABELS, SIZE_LABELS }
