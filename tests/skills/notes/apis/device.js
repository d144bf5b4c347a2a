async function deviceInfo () {
  const sys = wx.getSystemInfoSync()
  const win = wx.getWindowInfo()
  const account = wx.getAccountInfoSync()
  return {
    content: [{ type: 'text', text: sys.model + ' / ' + sys.platform }],
    structuredContent: {
      model: sys.model,
      platform: sys.platform,
      SDKVersion: sys.SDKVersion,
      windowWidth: win.windowWidth,
      pixelRatio: win.pixelRatio,
      appId: account.miniProgram.appId,
      envVersion: account.miniProgram.envVersion,
      userDataPath: wx.env.USER_DATA_PATH
    }
  }
}

async function whereAmI () {
  try {
    const loc = await wx.getLocation({ type: 'gcj02' })
    return {
      content: [{ type: 'text', text: '已定位。' }],
      structuredContent: { latitude: loc.latitude, longitude: loc.longitude, errMsg: loc.errMsg }
    }
  } catch (err) {
    return {
      isError: true,
      content: [{ type: 'text', text: '无法获取位置（' + err.errMsg + '）。请让用户说出所在城市，禁止猜测位置。' }],
      _meta: { errMsg: err.errMsg }
    }
  }
}

module.exports = { deviceInfo, whereAmI }
