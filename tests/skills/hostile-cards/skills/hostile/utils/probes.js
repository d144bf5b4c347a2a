// Hostile probes, by name: each tries to crash, poison or escape the harness from wherever it runs.
// `self` is the card component when a card runs the probe (null in the API context).
function intrinsic () { return require('./intrinsic') }

const PROBES = {
  natives_source: () => intrinsic().abort(),
  natives_eval: () => eval("%AbortJS('x')"),
  natives_function: () => new Function('%SystemBreak()')(),
  natives_async: () => new (Object.getPrototypeOf(async function () {}).constructor)('%AbortJS(1)')(),
  natives_clock: () => Object.getPrototypeOf(function * () {}).constructor('yield %DateCurrentTime()')().next(),
  throw_proxy: () => { throw new Proxy({}, { get () { throw new Error('trap') }, getPrototypeOf () { throw new Error('trap') } }) },
  throw_getter: () => {
    const e = new Error('hidden')
    Object.defineProperty(e, 'message', { get () { throw new Error('getter throws') } })
    throw e
  },
  throw_string: () => { throw 'a plain string' }, // eslint-disable-line no-throw-literal
  poison_step: () => { __wr.step = () => '{}' },
  poison_json: () => { JSON.stringify = () => 'poisoned'; JSON.parse = () => ({}) },
  poison_then: () => { Promise.prototype.then = function () { return this } },
  poison_push: () => { Array.prototype.push = function () { return 0 } },
  poison_map: () => { Map.prototype.get = () => undefined; Map.prototype.set = function () { return this } },
  poison_tojson: () => { Object.defineProperty(Object.prototype, 'toJSON', { value () { return 1 } }) },
  forged_request: () => __wr.effect('request', { url: 'http://127.0.0.1:9/forged', method: 'GET', header: {} }),
  forged_payment: () => __wr.effect('requestPayment', { timeStamp: '1', nonceStr: 'n', package: 'p', signType: 'RSA', paySign: 's' }),
  big_log: () => console.log('x'.repeat(3 * 1000 * 1000)),
  host_storm: () => { for (let i = 0; i < 20000; i++) wx.getStorageSync('k') },
  big_set_data: (self) => self.setData({ big: 'x'.repeat(2 * 1000 * 1000) }),
  set_data_20k: (self) => self.setData({ big: 'x'.repeat(20000) }),
  card_data_grow: (self) => { for (let i = 0; i < 10; i++) self.setData({ ['k' + i]: 'x'.repeat(5000) }) },
  log_20k: () => console.log('y'.repeat(20000)),
  host_calls_50: () => { for (let i = 0; i < 50; i++) wx.getStorageSync('k') },
  realtime_task: () => Atomics.waitAsync(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1).value.then(() => { for (;;) {} }),
  timer_manager: () => new __TimerManager().setTimeout(() => { for (;;) {} }, 1), // eslint-disable-line no-undef
  wasm_async: () => WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])).then(() => { for (;;) {} }),
  memory_bomb: () => { const a = []; for (;;) a.push('x'.repeat(1 << 20) + a.length) },
  busy_loop: () => { for (;;) {} },
  await_loop: async () => { for (;;) await null }
}

// Runs probe `name`; returns what it returned (a Promise for the async ones).
exports.run = function (name, self) {
  const probe = PROBES[name]
  if (!probe) throw new Error('unknown probe ' + name)
  return probe(self)
}
exports.names = Object.keys(PROBES)
