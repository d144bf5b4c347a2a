// 内置演示数据：离线演示模式（demo:offline）下代替特价服务的回答。
module.exports = {
  深圳: [
    { id: 'm1', name: '生椰拿铁', price: 9.9 },
    { id: 'm2', name: '冰美式', price: 6.6 }
  ],
  default: [{ id: 'm0', name: '招牌美式', price: 8.8 }]
}
