const { cloudInit, errorBoundary, cloudApi, describeError, ensureCloud, initCount } = require('../_shared/cloud')

// Callback style, as older packages write it: fail and complete both get the client's Error.
function couponStatus (args) {
  return new Promise((resolve) => {
    let failed = null
    const ret = wx.cloud.callFunction({
      name: 'couponStatus',
      data: args,
      success: (res) => resolve({ content: [{ type: 'text', text: '券状态已查' }], structuredContent: { result: res.result, ret: typeof ret } }),
      fail: (err) => { failed = err },
      complete: (res) => {
        if (failed === null) return
        resolve({
          isError: true,
          content: [{ type: 'text', text: '查券失败（' + failed.errCode + '）：' + failed.message }],
          structuredContent: { error: describeError(failed), completeGotSameError: res === failed, ret: typeof ret, initCount: initCount() }
        })
      }
    })
  })
}

const skill = wx.modelContext.createSkill('skills/coupons')
skill.use(errorBoundary)
skill.use(cloudInit)
skill.registerAPI('claimCoupon', cloudApi('claimCoupon'))
skill.registerAPI('couponStatus', couponStatus)

// Without the middleware: nothing catches the rejection.
wx.modelContext.registerAPI('claimUnguarded', async function claimUnguarded (args) {
  ensureCloud()
  const res = await wx.cloud.callFunction({ name: 'claimCoupon', data: args })
  return { content: [{ type: 'text', text: '已领取' }], structuredContent: { result: res.result } }
})
