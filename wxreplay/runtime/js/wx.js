// The `wx` object of one execution context. Only the APIs the official availability table grants
// this context exist; everything else is `undefined`, exactly as on the device. Local APIs
// (storage, system info) run in JS; the rest become effects that Python's host fulfils.
(function (global) {
  'use strict';
  const wr = global.__wr;
  const argsOf = wr.argsOf; // options minus callbacks (prelude.js)

  // ---- callback + Promise styles -------------------------------------------------------------
  function hasCallbacks(o) {
    return !!o && (typeof o.success === 'function' || typeof o.fail === 'function' || typeof o.complete === 'function');
  }
  function callback(name, which, fn, arg) {
    if (typeof fn !== 'function') return;
    try { fn(arg); } catch (e) { wr.reportError('wx.' + name + ' ' + which + ' callback', e); }
  }
  function style(name, opts, promise, extra) {
    // With success/fail/complete the call answers through them; without, it returns a Promise.
    if (!hasCallbacks(opts)) {
      if (extra) Object.assign(promise, extra);
      return promise;
    }
    promise.then(function (res) { callback(name, 'success', opts.success, res); callback(name, 'complete', opts.complete, res); },
      function (err) { callback(name, 'fail', opts.fail, err); callback(name, 'complete', opts.complete, err); });
    return extra;
  }
  // An API whose result comes from Python (scripted, recorded or real HTTP).
  function hostApi(name, prepare, finish) {
    return function (opts) {
      opts = opts || {};
      let args;
      try { args = prepare ? prepare(opts) : wr.clone(argsOf(opts)); } catch (e) {
        return style(name, opts, Promise.reject({ errMsg: name + ':fail ' + e.message }));
      }
      let p = wr.effect(name, args);
      if (finish) p = p.then((v) => finish(v, opts));
      return style(name, opts, p);
    };
  }
  // An API answered in JS, asynchronously like the device does.
  function localApi(name, run) {
    return function (opts) {
      opts = opts || {};
      const p = Promise.resolve().then(function () {
        let res;
        try { res = run(opts); } catch (e) {
          const msg = e && e.message ? e.message : String(e);
          // Storage helpers already say "setStorage:fail ..."; do not prefix twice.
          const err = { errMsg: msg.indexOf(name + ':fail') === 0 ? msg : name + ':fail ' + msg };
          wr.event(name, argsOf(opts), err);
          throw err;
        }
        wr.event(name, argsOf(opts), res);
        return res;
      });
      return style(name, opts, p);
    };
  }

  // ---- storage: one per simulated device, mirrored from Python -------------------------------
  let store = new Map(); // key -> JSON text
  // The UTF-8 size of each entry, kept beside it: the limit check of every write used to measure
  // the whole storage again.
  let sizes = new Map(); // key -> utf8Len(key) + utf8Len(text)
  let total = 0;
  // key -> the last text of it that wr.eventStored found to be its value's own JSON.
  let verified = new Map();
  const LIMIT_KEY = 1024 * 1024, LIMIT_TOTAL = 10 * 1024 * 1024;
  const M = wr.map; // Map methods captured before skill code ran
  wr.storageReplace = function (obj) {
    store = new Map(Object.entries(obj));
    sizes = new Map();
    verified = new Map();
    total = 0;
    M.forEach(store, (v, k) => { const n = utf8Len(k) + utf8Len(v); M.set(sizes, k, n); total += n; });
  };
  function utf8Len(s) { let n = 0; for (let i = 0; i < s.length; i++) { const c = s.charCodeAt(i); n += c < 0x80 ? 1 : c < 0x800 ? 2 : (c >= 0xd800 && c < 0xdc00) ? (i++, 4) : 3; } return n; }
  function totalSize() { return total; }
  function checkKey(api, key) {
    if (key === '') throw new TypeError(api + ':fail parameter error: parameter.key should not be empty');
    if (typeof key !== 'string') {
      const t = Object.prototype.toString.call(key).slice(8, -1); // "Undefined", "Number", "Object", ... as the client says
      throw new TypeError(api + ':fail parameter error: parameter.key should be String instead of ' + t);
    }
  }
  function sset(api, key, data) {
    checkKey(api, key);
    const text = data === undefined ? 'null' : JSON.stringify(data);
    if (text === undefined) throw new TypeError(api + ':fail data is not serialisable');
    const size = utf8Len(key) + utf8Len(text);
    if (size > LIMIT_KEY) throw new Error(api + ':fail entry size limit reached (1MB per key)');
    const old = M.get(sizes, key);
    if (totalSize() - (old === undefined ? 0 : old) + size > LIMIT_TOTAL) throw new Error(api + ':fail storage limit reached (10MB)');
    M.set(store, key, text);
    M.set(sizes, key, size);
    total += size - (old === undefined ? 0 : old);
    wr.storageOp({ op: 'set', key, value: text });
  }
  function sget(key) { const t = M.get(store, key); return t === undefined ? '' : JSON.parse(t); }
  function sremove(key) {
    if (M.delete(store, key)) {
      total -= M.get(sizes, key);
      M.delete(sizes, key);
      wr.storageOp({ op: 'remove', key });
    }
  }
  function sclear() { store = new Map(); sizes = new Map(); verified = new Map(); total = 0; wr.storageOp({ op: 'clear' }); }
  // wx.getStorageSync records the stored text itself (wr.eventStored), not a copy of the value.
  // A factory, so the function stays anonymous like every other recordSync API (its .name shows).
  function storedRead() {
    return function (...a) {
      const args = a.length === 1 ? a[0] : a;
      let text, out;
      try {
        checkKey('getStorageSync', a[0]);
        text = M.get(store, a[0]);
        out = text === undefined ? '' : JSON.parse(text);
      } catch (e) { wr.event('getStorageSync', args, { errMsg: e.message }); throw e; }
      if (text === undefined || JSON.parse !== wr.jsonParse) wr.event('getStorageSync', args, out);
      else if (wr.eventStored('getStorageSync', args, out, text, M.get(verified, a[0]) === text)) M.set(verified, a[0], text);
      return out;
    };
  }
  function sinfo() { return { keys: Array.from(store.keys()), currentSize: Math.ceil(totalSize() / 1024), limitSize: LIMIT_TOTAL / 1024 }; }
  function recordSync(name, fn) {
    return function (...a) {
      const args = a.length === 1 ? a[0] : a;
      let out;
      try { out = fn(...a); } catch (e) { wr.event(name, args, { errMsg: e.message }); throw e; }
      wr.event(name, args, out === undefined ? null : out);
      return out;
    };
  }
  const storageApis = {
    setStorageSync: recordSync('setStorageSync', (k, d) => { sset('setStorageSync', k, d); }),
    getStorageSync: storedRead(),
    removeStorageSync: recordSync('removeStorageSync', (k) => { checkKey('removeStorageSync', k); sremove(k); }),
    clearStorageSync: recordSync('clearStorageSync', () => { sclear(); }),
    getStorageInfoSync: recordSync('getStorageInfoSync', () => sinfo()),
    batchGetStorageSync: recordSync('batchGetStorageSync', (keys) => (keys || []).map((k) => sget(k))),
    batchSetStorageSync: recordSync('batchSetStorageSync', (kv) => { for (const e of kv || []) sset('batchSetStorageSync', e.key, e.value); }),
    setStorage: localApi('setStorage', (o) => { sset('setStorage', o.key, o.data); return { errMsg: 'setStorage:ok' }; }),
    getStorage: localApi('getStorage', (o) => {
      checkKey('getStorage', o.key);
      if (!store.has(o.key)) throw new Error('data not found');
      return { data: sget(o.key), errMsg: 'getStorage:ok' };
    }),
    removeStorage: localApi('removeStorage', (o) => { checkKey('removeStorage', o.key); sremove(o.key); return { errMsg: 'removeStorage:ok' }; }),
    clearStorage: localApi('clearStorage', () => { sclear(); return { errMsg: 'clearStorage:ok' }; }),
    getStorageInfo: localApi('getStorageInfo', () => Object.assign(sinfo(), { errMsg: 'getStorageInfo:ok' })),
    batchGetStorage: localApi('batchGetStorage', (o) => ({ dataList: (o.keyList || []).map((k) => sget(k)), errMsg: 'batchGetStorage:ok' })),
    batchSetStorage: localApi('batchSetStorage', (o) => { for (const e of o.kvList || []) sset('batchSetStorage', e.key, e.value); return { errMsg: 'batchSetStorage:ok' }; }),
  };

  // ---- fixed simulated device ----------------------------------------------------------------
  function systemApis(dev) {
    const copy = (v) => wr.clone(v);
    const sys = () => Object.assign({}, copy(dev.deviceInfo), copy(dev.windowInfo), copy(dev.appBaseInfo));
    return {
      getDeviceInfo: recordSync('getDeviceInfo', () => copy(dev.deviceInfo)),
      getWindowInfo: recordSync('getWindowInfo', () => copy(dev.windowInfo)),
      getAppBaseInfo: recordSync('getAppBaseInfo', () => copy(dev.appBaseInfo)),
      getSystemInfoSync: recordSync('getSystemInfoSync', sys),
      getSystemInfo: localApi('getSystemInfo', () => Object.assign(sys(), { errMsg: 'getSystemInfo:ok' })),
      getSystemInfoAsync: localApi('getSystemInfoAsync', () => Object.assign(sys(), { errMsg: 'getSystemInfoAsync:ok' })),
      getSystemSetting: recordSync('getSystemSetting', () => copy(dev.systemSetting)),
      getAccountInfoSync: recordSync('getAccountInfoSync', () => copy(dev.accountInfo)),
      getEnterOptionsSync: recordSync('getEnterOptionsSync', () => copy(dev.enterOptions)),
      getLaunchOptionsSync: recordSync('getLaunchOptionsSync', () => copy(dev.enterOptions)),
    };
  }

  // ---- wx.request ----------------------------------------------------------------------------
  function headerValue(h, name) {
    for (const k of Object.keys(h || {})) if (k.toLowerCase() === name) return String(h[k]);
    return undefined;
  }
  function queryString(data) {
    return Object.keys(data).filter((k) => data[k] !== undefined)
      .map((k) => encodeURIComponent(k) + '=' + encodeURIComponent(typeof data[k] === 'object' && data[k] !== null ? JSON.stringify(data[k]) : String(data[k]))).join('&');
  }
  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  function toBase64(bytes) {
    let s = '';
    for (let i = 0; i < bytes.length; i += 3) {
      const n = (bytes[i] << 16) | ((bytes[i + 1] || 0) << 8) | (bytes[i + 2] || 0);
      s += B64[(n >> 18) & 63] + B64[(n >> 12) & 63] + (i + 1 < bytes.length ? B64[(n >> 6) & 63] : '=') + (i + 2 < bytes.length ? B64[n & 63] : '=');
    }
    return s;
  }
  function fromBase64(s) {
    const clean = s.replace(/[^A-Za-z0-9+/]/g, '');
    const out = new Uint8Array(Math.floor(clean.length * 3 / 4));
    let j = 0;
    for (let i = 0; i < clean.length; i += 4) {
      const n = (B64.indexOf(clean[i]) << 18) | (B64.indexOf(clean[i + 1]) << 12) | ((B64.indexOf(clean[i + 2]) & 63) << 6) | (B64.indexOf(clean[i + 3]) & 63);
      if (j < out.length) out[j++] = (n >> 16) & 255;
      if (j < out.length) out[j++] = (n >> 8) & 255;
      if (j < out.length) out[j++] = n & 255;
    }
    return out.buffer;
  }
  wr.base64 = { encode: toBase64, decode: fromBase64 };
  function prepareRequest(o) {
    if (typeof o.url !== 'string' || !/^https?:\/\//i.test(o.url)) throw new Error('invalid url "' + o.url + '"');
    const method = String(o.method || 'GET').toUpperCase();
    const header = Object.assign({}, o.header || {});
    let url = o.url, body = null, bodyEncoding = 'text';
    const data = o.data;
    if (data !== undefined && data !== null) {
      if (method === 'GET' || method === 'HEAD') {
        if (typeof data === 'object' && !(data instanceof ArrayBuffer)) { const q = queryString(data); if (q) url += (url.indexOf('?') < 0 ? '?' : '&') + q; }
        else if (typeof data === 'string' && data) url += (url.indexOf('?') < 0 ? '?' : '&') + data;
      } else if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
        body = toBase64(ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data));
        bodyEncoding = 'base64';
      } else if (typeof data === 'object') {
        const ct = (headerValue(header, 'content-type') || 'application/json').toLowerCase();
        body = ct.indexOf('application/x-www-form-urlencoded') >= 0 ? queryString(data) : JSON.stringify(data);
      } else body = String(data);
    }
    if (body !== null && headerValue(header, 'content-type') === undefined) header['content-type'] = 'application/json';
    return { url, method, header, body, bodyEncoding, dataType: o.dataType || 'json', responseType: o.responseType || 'text', timeout: o.timeout || 60000 };
  }
  function finishRequest(v, o) {
    let data = v.data;
    if ((o.responseType || 'text') === 'arraybuffer') data = fromBase64(v.dataEncoding === 'base64' ? data : toBase64(Array.from(unescape(encodeURIComponent(data)), (c) => c.charCodeAt(0))));
    else if (v.dataEncoding === 'base64') data = String.fromCharCode.apply(null, new Uint8Array(fromBase64(data)));
    else if ((o.dataType || 'json') === 'json' && typeof data === 'string') { try { data = JSON.parse(data); } catch (e) { /* non-JSON bodies stay text, as on the device */ } }
    return { data, statusCode: v.statusCode, header: v.header, cookies: v.cookies || [], errMsg: 'request:ok' };
  }
  function request(opts) {
    opts = opts || {};
    let args;
    let aborted = false;
    try { args = prepareRequest(opts); } catch (e) {
      return style('request', opts, Promise.reject({ errMsg: 'request:fail ' + e.message }), requestTask());
    }
    const p = wr.effect('request', args).then((v) => {
      if (aborted) throw { errMsg: 'request:fail abort' };
      return finishRequest(v, opts);
    });
    function requestTask() {
      const noop = function () {};
      return { abort() { aborted = true; }, onHeadersReceived: noop, offHeadersReceived: noop, onChunkReceived: noop, offChunkReceived: noop };
    }
    return style('request', opts, p, requestTask());
  }

  // ---- generic host APIs and listeners -------------------------------------------------------
  const listeners = {};
  function listenerApi(name) {
    return function (cb) { (listeners[name] = listeners[name] || []).push(cb); wr.event(name, {}, null); };
  }
  function offApi(name) {
    const on = 'on' + name.slice(3);
    return function (cb) { listeners[on] = cb ? (listeners[on] || []).filter((f) => f !== cb) : []; wr.event(name, {}, null); };
  }

  wr.buildWx = function (extensions) {
    const cfg = wr.cfg();
    const dev = cfg.device;
    const impl = Object.assign({}, storageApis, systemApis(dev), {
      request,
      env: dev.env,
      login: hostApi('login'),
      checkSession: hostApi('checkSession'),
      requestPayment: hostApi('requestPayment'),
      getLocation: hostApi('getLocation'),
      getFuzzyLocation: hostApi('getFuzzyLocation'),
      getPhoneNumber: hostApi('getPhoneNumber'),
      getRealtimePhoneNumber: hostApi('getRealtimePhoneNumber'),
    }, cfg.available.indexOf('cloud') >= 0 && wr.buildCloud ? { cloud: wr.buildCloud() } : {}, extensions || {});
    const wx = {};
    for (const name of cfg.available) {
      if (impl[name] !== undefined) wx[name] = impl[name];
      else if (/^on[A-Z]/.test(name)) wx[name] = listenerApi(name);
      else if (/^off[A-Z]/.test(name)) wx[name] = offApi(name);
      else if (/Sync$/.test(name)) wx[name] = recordSync(name, () => { throw new Error(name + ':fail wxreplay has no scripted result for this API; script one in the device stubs'); });
      else wx[name] = hostApi(name);
    }
    for (const name of Object.keys(cfg.warnOn || {})) {
      const inner = wx[name];
      if (typeof inner === 'function') {
        wx[name] = function (...a) { wr.finding('api-context-warning', cfg.warnOn[name], { api: 'wx.' + name }); return inner.apply(this, a); };
      }
    }
    const known = new Set(cfg.known);
    const warned = new Set();
    // A Proxy only to notice reads of APIs this context lacks: the value stays `undefined`, so
    // feature tests behave as on the device, and the report can say why a call failed.
    return new Proxy(wx, {
      get(target, prop, receiver) {
        if (typeof prop === 'string' && !(prop in target) && known.has(prop) && !warned.has(prop)) {
          warned.add(prop);
          wr.finding('unavailable-wx-api', 'wx.' + prop + ' is not available in the ' + cfg.contextLabel + ' (official availability table); on the device it is undefined', { api: 'wx.' + prop });
        }
        return Reflect.get(target, prop, receiver);
      },
    });
  };
  wr.storageOp = function (op) { wr.pushStorageOp(op); };
})(globalThis);
