// The main package: never loaded by the atomic API context (independent subpackage).
App({ globalData: { theme: 'light' } })
