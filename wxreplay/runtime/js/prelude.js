// wxreplay prelude: installed into every execution context (atomic API, static card, dynamic card)
// before any skill code. It owns the bridge to Python: one `__wr.step(json)` call per crossing
// resolves host effects, fires due timers on the virtual clock, starts calls, drains microtasks
// (wrDrainMicrotasks, defined by context.py's bootstrap wrapper where skill code cannot reach it,
// so runaway async code stays inside a terminable eval) and returns everything that happened as
// one JSON string.
(function (global) {
  'use strict';
  // ---- built-ins the bridge uses, captured before any skill code runs ---------------------------
  // A skill may replace any global or prototype method; the harness keeps working with these.
  const ReflectApply = Reflect.apply;
  const uncurry = (f) => (self, ...a) => ReflectApply(f, self, a);
  const jsonStringify = JSON.stringify;
  const jsonParse = JSON.parse;
  const ObjectCreate = Object.create;
  const ObjectFreeze = Object.freeze;
  const ObjectKeys = Object.keys;
  const ObjectDefineProperty = Object.defineProperty;
  const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
  const ObjectGetPrototypeOf = Object.getPrototypeOf;
  const hasOwn = uncurry(Object.prototype.hasOwnProperty);
  const promiseThen = uncurry(Promise.prototype.then);
  const PromiseCtor = Promise;
  const strIndexOf = uncurry(String.prototype.indexOf);
  const strSlice = uncurry(String.prototype.slice);
  const ErrorCtor = Error;
  const errorIsPrototypeOf = uncurry(Object.prototype.isPrototypeOf);
  const StringCtor = String;
  const RealDate = Date;
  const realNow = RealDate.now;
  const wr = {};
  ObjectDefineProperty(global, '__wr', { value: wr, enumerable: false });
  wr.jsonStringify = jsonStringify;
  wr.jsonParse = jsonParse;
  wr.promiseThen = promiseThen;
  // Appends without Array.prototype.push and without setters a skill may put on Array.prototype.
  function push(list, v) { ObjectDefineProperty(list, list.length, { value: v, writable: true, enumerable: true, configurable: true }); }
  wr.push = push;
  const mapGet = uncurry(Map.prototype.get);
  const mapSet = uncurry(Map.prototype.set);
  const mapHas = uncurry(Map.prototype.has);
  const mapDelete = uncurry(Map.prototype.delete);
  const mapForEach = uncurry(Map.prototype.forEach);
  wr.map = { get: mapGet, set: mapSet, has: mapHas, delete: mapDelete, forEach: mapForEach };
  const PromiseResolve = Promise.resolve;
  wr.promiseResolve = (v) => ReflectApply(PromiseResolve, PromiseCtor, [v]);
  // What the harness relies on that a skill could replace: named in errors when something breaks.
  const WATCHED = [
    ['JSON.stringify', JSON, 'stringify'], ['JSON.parse', JSON, 'parse'], ['Promise', global, 'Promise'],
    ['Promise.prototype.then', Promise.prototype, 'then'], ['Promise.resolve', Promise, 'resolve'],
    ['Promise.prototype.constructor', Promise.prototype, 'constructor'], ['Promise[Symbol.species]', Promise, Symbol.species],
    ['Promise.all', Promise, 'all'], ['Array.prototype.push', Array.prototype, 'push'],
    ['Array.prototype.slice', Array.prototype, 'slice'], ['Array.prototype.map', Array.prototype, 'map'],
    ['Array.prototype.concat', Array.prototype, 'concat'], ['Array.from', Array, 'from'],
    ['Array.prototype[Symbol.iterator]', Array.prototype, Symbol.iterator],
    ['Map.prototype.get', Map.prototype, 'get'], ['Map.prototype.set', Map.prototype, 'set'],
    ['Map.prototype.has', Map.prototype, 'has'], ['Map.prototype.delete', Map.prototype, 'delete'],
    ['Map.prototype.values', Map.prototype, 'values'], ['Object.assign', Object, 'assign'],
    ['Object.keys', Object, 'keys'], ['Function.prototype.call', Function.prototype, 'call'],
    ['Function.prototype.apply', Function.prototype, 'apply'], ['String.prototype.slice', String.prototype, 'slice'],
  ];
  const watchedValues = [];
  for (let i = 0; i < WATCHED.length; i++) watchedValues[i] = WATCHED[i][1][WATCHED[i][2]];
  const ADDED = [['Object.prototype', Object.prototype], ['Array.prototype', Array.prototype]];
  wr.tampered = function () {
    const out = [];
    for (let i = 0; i < WATCHED.length; i++) {
      try { if (WATCHED[i][1][WATCHED[i][2]] !== watchedValues[i]) push(out, WATCHED[i][0]); } catch (e) { push(out, WATCHED[i][0]); }
    }
    for (let i = 0; i < ADDED.length; i++) {
      if (hasOwn(ADDED[i][1], 'toJSON')) push(out, ADDED[i][0] + '.toJSON');
      if (hasOwn(ADDED[i][1], 'then')) push(out, ADDED[i][0] + '.then');
    }
    // By hand: JSON.stringify itself may be what the skill poisoned (a toJSON on Array.prototype).
    let text = '[';
    for (let i = 0; i < out.length; i++) text += (i ? ',"' : '"') + out[i] + '"';
    return text + ']';
  };
  // Object.prototype.toJSON (or Array.prototype's) would rewrite the bridge's own JSON: set it
  // aside while the bridge serialises, and put it back for the skill.
  const TOJSON_HOSTS = [Object.prototype, Array.prototype, String.prototype, Number.prototype, Boolean.prototype];
  function bridgeJson(value) {
    const aside = [];
    for (let i = 0; i < TOJSON_HOSTS.length; i++) {
      const d = ObjectGetOwnPropertyDescriptor(TOJSON_HOSTS[i], 'toJSON');
      if (d === undefined) continue;
      if (!d.configurable) throw new ErrorCtor('the skill replaced ' + ['Object', 'Array', 'String', 'Number', 'Boolean'][i] + '.prototype.toJSON (non-configurable); wxreplay cannot serialise its own messages');
      delete TOJSON_HOSTS[i].toJSON;
      push(aside, [TOJSON_HOSTS[i], d]);
    }
    try { return jsonStringify(value); } finally {
      for (let i = 0; i < aside.length; i++) ObjectDefineProperty(aside[i][0], 'toJSON', aside[i][1]);
    }
  }

  // ---- no V8 intrinsics in skill code ------------------------------------------------------------
  // V8 runs with --allow-natives-syntax (the harness drains microtasks inside an eval with it), so
  // `%AbortJS()` in code that reaches the compiler would kill the process. Every way skill code
  // compiles code (require, eval, the four Function constructors, WXML templates) goes through
  // screen(). It replaces every `%` not followed by `=` with ` == ` and compiles the result as a
  // function body, without running it: a `%` in modulo position, a string, a comment or a regex
  // stays valid, while ` == ` where V8 would read an intrinsic (an operand position) is a syntax
  // error. The text before each `%` is the same in both sources, so V8 is in the same state there.
  const RealEval = global.eval;
  const RealFunction = Function;
  const AsyncFunction = ObjectGetPrototypeOf(async function () {}).constructor;
  const GeneratorFunction = ObjectGetPrototypeOf(function* () {}).constructor;
  const AsyncGeneratorFunction = ObjectGetPrototypeOf(async function* () {}).constructor;
  const Construct = Reflect.construct;
  function neutralise(text) {
    let out = '';
    let from = 0;
    for (;;) {
      const i = strIndexOf(text, '%', from);
      if (i < 0) return out + strSlice(text, from);
      out += strSlice(text, from, i) + (text[i + 1] === '=' ? '%' : ' == ');
      from = i + 1;
    }
  }
  function copy(list) {
    const out = [];
    for (let i = 0; i < list.length; i++) out[i] = list[i];
    return out;
  }
  function lineOf(text, at) {
    let n = 1;
    for (let i = strIndexOf(text, '\n'); i >= 0 && i < at; i = strIndexOf(text, '\n', i + 1)) n++;
    return n;
  }
  function compiles(Ctor, parts) {
    try { Construct(Ctor, parts); return true; } catch (e) { return false; }
  }
  function intrinsicError(Ctor, parts) {
    // Name the line of the first `%` that alone breaks the neutralised body: the intrinsic.
    const body = parts[parts.length - 1];
    let line = null;
    for (let i = strIndexOf(body, '%'); i >= 0 && line === null; i = strIndexOf(body, '%', i + 1)) {
      if (body[i + 1] === '=') continue;
      const one = copy(parts);
      one[one.length - 1] = strSlice(body, 0, i) + ' == ' + strSlice(body, i + 1);
      if (!compiles(Ctor, one)) line = lineOf(body, i);
    }
    const e = new SyntaxError('V8 intrinsic syntax (%Name(...)) is not available to skill code' + (line ? ' (line ' + line + ' of the compiled source)' : '') +
      '; wxreplay refuses to compile it');
    e.__wrCode = 'intrinsic';
    e.__wrLineInSource = line;
    return e;
  }
  function screen(Ctor, parts) {
    let any = false;
    for (let i = 0; i < parts.length; i++) {
      parts[i] = StringCtor(parts[i]);
      if (strIndexOf(parts[i], '%') >= 0) any = true;
    }
    if (!any) return;
    const safe = [];
    for (let i = 0; i < parts.length; i++) safe[i] = neutralise(parts[i]);
    if (compiles(Ctor, safe)) return;
    // A genuine syntax error fails both ways; compiling it for real reports it without running anything.
    if (!compiles(Ctor, copy(parts))) return;
    throw intrinsicError(Ctor, parts);
  }
  // eval(code): screened, then compiled as a script (always an indirect eval: the real eval is gone).
  function compileScript(code) {
    if (typeof code !== 'string') return code;
    screen(RealFunction, [code]);
    return RealEval(code);
  }
  wr.compileScript = compileScript;
  function guardedCtor(Real, name) {
    const Guarded = function (...parts) {
      screen(Real, parts);
      return Construct(Real, parts, new.target === undefined || new.target === Guarded ? Real : new.target);
    };
    ObjectDefineProperty(Guarded, 'name', { value: name });
    ObjectDefineProperty(Guarded, 'length', { value: 1 });
    Guarded.prototype = Real.prototype;
    ObjectDefineProperty(Real.prototype, 'constructor', { value: Guarded, writable: false, configurable: false });
    return Guarded;
  }
  const GuardedFunction = guardedCtor(RealFunction, 'Function');
  guardedCtor(AsyncFunction, 'AsyncFunction');
  guardedCtor(GeneratorFunction, 'GeneratorFunction');
  guardedCtor(AsyncGeneratorFunction, 'AsyncGeneratorFunction');
  ObjectDefineProperty(global, 'Function', { value: GuardedFunction, writable: true, configurable: true, enumerable: false });
  const guardedEval = (code) => compileScript(code);
  ObjectDefineProperty(guardedEval, 'name', { value: 'eval' });
  ObjectDefineProperty(global, 'eval', { value: guardedEval, writable: true, configurable: true, enumerable: false });

  let cfg = { kind: 'api', tzOffsetMin: -480 };
  let now = 0;
  let seq = 0;
  let effectId = 0;
  let effects = [];
  const pending = new Map();
  let logs = [];
  let events = [];
  let storageOps = [];
  let findings = [];
  let finished = [];
  let wallDeadline = 0; // epoch ms at which Python gives up on the current step
  let lastOut = null; // the last step's output until Python starts the next step (see wr.flush)
  const ABORT = 'wxreplay:step-aborted';
  const calls = new Map();
  const timers = new Map();
  let timerSeq = 0;

  wr.nextSeq = () => ++seq;
  wr.now = () => now;
  wr.cfg = () => cfg;
  wr.finding = function (code, message, extra) {
    const f = { code, message, context: cfg.kind };
    if (extra) for (const k of ObjectKeys(extra)) ObjectDefineProperty(f, k, { value: extra[k], enumerable: true, writable: true, configurable: true });
    push(findings, f);
  };

  // ---- JSON helpers ---------------------------------------------------------------------------
  function clone(v) { return v === undefined ? undefined : jsonParse(jsonStringify(v)); }
  wr.clone = clone;
  // The options object of a wx call as its arguments: everything but the callbacks.
  wr.argsOf = function (opts) {
    if (!opts || typeof opts !== 'object') return opts === undefined ? {} : opts;
    const out = {};
    for (const k of Object.keys(opts)) if (typeof opts[k] !== 'function') out[k] = opts[k];
    return out;
  };
  // fmt and errorInfo never throw: skill values may be Proxies or carry throwing getters.
  function why(e) {
    try {
      if (e !== null && (typeof e === 'object' || typeof e === 'function')) return StringCtor(e.message);
      return StringCtor(e);
    } catch (again) { return 'it throws when read'; }
  }
  function unreadable(what, e) {
    return '[' + what + ' cannot be read (a Proxy or a throwing getter?): ' + why(e) + ']';
  }
  function fmt(v) {
    try {
      if (typeof v === 'string') return v;
      if (v === undefined) return 'undefined';
      if (typeof v === 'symbol') return ReflectApply(Symbol.prototype.toString, v, []);
      if (typeof v === 'function') return '[Function ' + (typeof v.name === 'string' && v.name ? v.name : 'anonymous') + ']';
      if (typeof v === 'bigint') return StringCtor(v) + 'n';
      if (v !== null && typeof v === 'object' && errorIsPrototypeOf(ErrorCtor.prototype, v)) {
        const st = v.stack;
        return typeof st === 'string' && st ? st : StringCtor(v);
      }
      try { const t = jsonStringify(v); return t === undefined ? StringCtor(v) : t; } catch (e) { return StringCtor(v); }
    } catch (e) {
      return unreadable('a value that', e);
    }
  }

  // ---- no work outside a step ---------------------------------------------------------------------
  // V8 runs some callbacks from tasks of its own, after an eval has returned: outside the
  // wall-clock guard (a loop there wedges the isolate for good) and on the real clock. Skill code
  // gets none: Atomics.waitAsync (mini-racer's own setTimeout uses it) is removed, a
  // FinalizationRegistry never calls back (the spec allows it; GC timing is not deterministic
  // anyway), and WebAssembly's async compile runs synchronously inside the step.
  if (typeof Atomics === 'object') delete Atomics.waitAsync;
  if (typeof FinalizationRegistry === 'function') {
    const Inert = class FinalizationRegistry {
      constructor(cleanup) { if (typeof cleanup !== 'function') throw new TypeError('FinalizationRegistry: cleanup must be callable'); }
      register(target) { if (target === null || (typeof target !== 'object' && typeof target !== 'function')) throw new TypeError('FinalizationRegistry.prototype.register: invalid target'); }
      unregister() { return false; }
    };
    ObjectDefineProperty(global, 'FinalizationRegistry', { value: Inert, writable: true, configurable: true });
  }
  if (typeof WebAssembly === 'object') {
    const W = WebAssembly;
    const Module = W.Module, Instance = W.Instance;
    const later = (fn) => promiseThen(ReflectApply(PromiseResolve, PromiseCtor, []), fn);
    const isModule = (x) => { try { return errorIsPrototypeOf(Module.prototype, x); } catch (e) { return false; } };
    const sync = {
      compile: (bytes) => later(() => new Module(bytes)),
      instantiate: (src, imports) => later(() => {
        if (isModule(src)) return new Instance(src, imports);
        const module = new Module(src);
        return { module, instance: new Instance(module, imports) };
      }),
    };
    for (const k of ['compile', 'instantiate']) ObjectDefineProperty(W, k, { value: sync[k], writable: true, configurable: true });
    for (const k of ['compileStreaming', 'instantiateStreaming']) delete W[k];
  }

  // ---- deterministic time: Date on the session's virtual clock, in the device's time zone --------
  const MIN = 60000;
  const hostTzo = RealDate.prototype.getTimezoneOffset;
  // Strings without a zone ("2026/01/05 10:00", "2026-01-05T10:00") are local time: V8 would
  // read them in the *host's* zone, which differs between machines. Re-read them in the device's.
  const ZONED = /(Z|GMT|UTC|[+-]\d{2}:?\d{2})\s*(\(.*\))?$/i;
  const DATE_ONLY_ISO = /^\d{4}-\d{2}(-\d{2})?$/;
  function parseLocal(str) {
    const t = RealDate.parse(str);
    if (t !== t || ZONED.test(str.trim()) || DATE_ONLY_ISO.test(str.trim())) return t;
    return t - hostTzo.call(new RealDate(t)) * MIN + cfg.tzOffsetMin * MIN;
  }
  function VDate(...a) {
    if (!new.target) return new RealDate(now).toString();
    let d;
    if (a.length === 0) d = new RealDate(now);
    else if (a.length >= 2) {
      // Local-time components: interpret them in the simulated device's zone, not the host's.
      const utc = RealDate.UTC(a[0], a[1], a.length > 2 ? a[2] : 1, a[3] || 0, a[4] || 0, a[5] || 0, a[6] || 0);
      d = new RealDate(utc + cfg.tzOffsetMin * MIN);
    } else d = new RealDate(typeof a[0] === 'string' ? parseLocal(a[0]) : a[0]);
    return Reflect.construct(RealDate, [d.getTime()], new.target);
  }
  VDate.prototype = RealDate.prototype;
  VDate.now = () => now;
  VDate.UTC = RealDate.UTC;
  VDate.parse = (str) => parseLocal(String(str));
  Object.defineProperty(RealDate.prototype, 'constructor', { value: VDate, writable: true, configurable: true });
  const P = RealDate.prototype;
  const utcGet = { getFullYear: P.getUTCFullYear, getMonth: P.getUTCMonth, getDate: P.getUTCDate, getDay: P.getUTCDay,
    getHours: P.getUTCHours, getMinutes: P.getUTCMinutes, getSeconds: P.getUTCSeconds, getMilliseconds: P.getUTCMilliseconds };
  function shifted(d) { return new RealDate(P.getTime.call(d) - cfg.tzOffsetMin * MIN); }
  for (const k of Object.keys(utcGet)) {
    const g = utcGet[k];
    Object.defineProperty(P, k, { value: function () { const t = P.getTime.call(this); return t !== t ? NaN : g.call(shifted(this)); }, writable: true, configurable: true });
  }
  const utcSet = { setFullYear: P.setUTCFullYear, setMonth: P.setUTCMonth, setDate: P.setUTCDate, setHours: P.setUTCHours,
    setMinutes: P.setUTCMinutes, setSeconds: P.setUTCSeconds, setMilliseconds: P.setUTCMilliseconds };
  for (const k of Object.keys(utcSet)) {
    const s = utcSet[k];
    Object.defineProperty(P, k, { value: function (...a) { const sh = shifted(this); s.apply(sh, a); return P.setTime.call(this, P.getTime.call(sh) + cfg.tzOffsetMin * MIN); }, writable: true, configurable: true });
  }
  Object.defineProperty(P, 'getTimezoneOffset', { value: function () { return cfg.tzOffsetMin; }, writable: true, configurable: true });
  const pad = (n, w) => String(n).padStart(w || 2, '0');
  const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  function gmt() { const o = -cfg.tzOffsetMin; return 'GMT' + (o >= 0 ? '+' : '-') + pad(Math.floor(Math.abs(o) / 60)) + pad(Math.abs(o) % 60); }
  Object.defineProperty(P, 'toDateString', { value: function () { return DAYS[this.getDay()] + ' ' + MONTHS[this.getMonth()] + ' ' + pad(this.getDate()) + ' ' + this.getFullYear(); }, writable: true, configurable: true });
  Object.defineProperty(P, 'toTimeString', { value: function () { return pad(this.getHours()) + ':' + pad(this.getMinutes()) + ':' + pad(this.getSeconds()) + ' ' + gmt(); }, writable: true, configurable: true });
  Object.defineProperty(P, 'toString', { value: function () { const t = P.getTime.call(this); return t !== t ? 'Invalid Date' : this.toDateString() + ' ' + this.toTimeString(); }, writable: true, configurable: true });
  for (const k of ['toLocaleString', 'toLocaleDateString', 'toLocaleTimeString']) {
    const orig = P[k];
    Object.defineProperty(P, k, { value: function (loc, opts) { return orig.call(this, loc || cfg.locale, Object.assign({ timeZone: cfg.timeZone }, opts || {})); }, writable: true, configurable: true });
  }
  global.Date = VDate;
  // Intl defaults to the *host's* zone and locale (TZ, LANG): a German CI box would print
  // (1234.5).toLocaleString() as "1.234,5". Default every Intl service, and the locale-aware
  // methods built on them, to the simulated device's locale and zone instead.
  if (typeof Intl === 'object') {
    for (const name of ['DateTimeFormat', 'NumberFormat', 'Collator', 'PluralRules', 'RelativeTimeFormat', 'ListFormat',
      'DisplayNames', 'Segmenter']) {
      const Real = Intl[name];
      if (typeof Real !== 'function') continue;
      const Wrapped = function (locales, options) {
        let o = options;
        if (name === 'DateTimeFormat') { o = Object.assign({}, options); if (o.timeZone === undefined) o.timeZone = cfg.timeZone; }
        return new Real(locales === undefined ? cfg.locale : locales, o);
      };
      Object.defineProperty(Wrapped, 'name', { value: name });
      Wrapped.prototype = Real.prototype;
      Wrapped.supportedLocalesOf = Real.supportedLocalesOf;
      Object.defineProperty(Intl, name, { value: Wrapped, writable: true, configurable: true });
      if (name === 'DateTimeFormat') {
        // format() and formatToParts() without a date read the host's real clock: use the virtual one.
        const P2 = Real.prototype;
        const formatGetter = ObjectGetOwnPropertyDescriptor(P2, 'format').get;
        ObjectDefineProperty(P2, 'format', { configurable: true, get () {
          const f = ReflectApply(formatGetter, this, []);
          return (d) => f(d === undefined ? now : d);
        } });
        const toParts = P2.formatToParts;
        ObjectDefineProperty(P2, 'formatToParts', { writable: true, configurable: true, value: function formatToParts (d) {
          return ReflectApply(toParts, this, [d === undefined ? now : d]);
        } });
      }
    }
    const withLocale = (proto, key, at) => {
      const orig = proto[key];
      if (typeof orig !== 'function') return;
      Object.defineProperty(proto, key, { value: function (...a) {
        if (a[at] === undefined) a[at] = cfg.locale;
        return orig.apply(this, a);
      }, writable: true, configurable: true });
    };
    withLocale(Number.prototype, 'toLocaleString', 0);
    withLocale(BigInt.prototype, 'toLocaleString', 0);
    withLocale(String.prototype, 'localeCompare', 1);
    withLocale(String.prototype, 'toLocaleUpperCase', 0);
    withLocale(String.prototype, 'toLocaleLowerCase', 0);
  }

  // ---- seeded randomness ---------------------------------------------------------------------
  let rngState = 1;
  function rand32() { // mulberry32
    rngState = (rngState + 0x6D2B79F5) | 0;
    let t = rngState;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  Math.random = function random() { return rand32() / 4294967296; };
  const cryptoObj = {
    getRandomValues(arr) {
      if (!ArrayBuffer.isView(arr)) throw new TypeError('crypto.getRandomValues: argument must be a typed array');
      const bytes = new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
      for (let i = 0; i < bytes.length; i++) bytes[i] = rand32() & 0xff;
      return arr;
    },
    randomUUID() {
      const b = cryptoObj.getRandomValues(new Uint8Array(16));
      b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
      const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
      return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
    },
  };
  Object.defineProperty(global, 'crypto', { value: cryptoObj, writable: true, configurable: true });

  // ---- console, captured ---------------------------------------------------------------------
  const consoleObj = {};
  for (const level of ['log', 'info', 'warn', 'error', 'debug', 'trace']) {
    consoleObj[level] = function (...args) {
      if (logBudget <= 0) return;
      let text = '';
      for (let i = 0; i < args.length && text.length <= logBudget; i++) text += (i ? ' ' : '') + fmt(args[i]);
      keepLog(level, text, false);
    };
  }
  consoleObj.table = consoleObj.log; consoleObj.dir = consoleObj.log;
  consoleObj.group = consoleObj.log; consoleObj.groupEnd = function () {};
  consoleObj.time = function () {}; consoleObj.timeEnd = function () {}; consoleObj.assert = function (c, ...a) { if (!c) consoleObj.error('Assertion failed:', ...a); };
  global.console = consoleObj;
  wr.reportError = function (where, e) {
    keepLog('error', 'thirdScriptError in ' + where + ': ' + fmt(e), true);
  };
  // Console text a step keeps (SessionLimits.log_bytes_per_call): a 60 MB line must not cross to
  // Python. Python applies the same budget per call and reports the drop as a finding.
  let logBudget = Infinity;
  function keepLog(level, text, uncaught) {
    if (logBudget <= 0) return;
    if (text.length > logBudget) text = strSlice(text, 0, logBudget) + ' [... cut at SessionLimits.log_bytes_per_call]';
    logBudget -= text.length;
    const line = { seq: ++seq, level, text, context: cfg.kind };
    if (uncaught) line.uncaught = true;
    push(logs, line);
  }

  // ---- timers on the virtual clock -----------------------------------------------------------
  function addTimer(fn, ms, args, repeat) {
    if (typeof fn !== 'function') throw new TypeError('setTimeout/setInterval: callback must be a function (string code is not supported)');
    const delay = Math.max(repeat ? 1 : 0, Number(ms) || 0);
    const id = ++timerSeq;
    mapSet(timers, id, { id, due: now + delay, fn, args, every: repeat ? delay : 0 });
    return id;
  }
  wr.timers = {
    setTimeout: (fn, ms, ...a) => addTimer(fn, ms, a, false),
    setInterval: (fn, ms, ...a) => addTimer(fn, ms, a, true),
    clearTimeout: (id) => { mapDelete(timers, id); },
    clearInterval: (id) => { mapDelete(timers, id); },
  };
  function nextTimer() {
    let best = null;
    mapForEach(timers, (t) => { if (best === null || t.due < best.due || (t.due === best.due && t.id < best.id)) best = t; });
    return best;
  }
  function fireDue(until) {
    let fired = 0;
    for (;;) {
      const t = nextTimer();
      if (t === null || t.due > until) break;
      if (++fired > 100000) { wr.finding('timer-storm', 'more than 100000 timer callbacks fired in one step; is a setInterval never cleared?'); break; }
      now = Math.max(now, t.due);
      if (t.every) t.due += t.every; else mapDelete(timers, t.id);
      try { ReflectApply(t.fn, global, t.args); } catch (e) { wr.reportError('timer callback', e); }
      checkpoint();
    }
  }

  // Runs the queued microtasks. When V8 terminates a runaway microtask (wall-clock guard, heap
  // limit) it drops the queue but lets the *caller* carry on, so more user code could run in a
  // step Python has given up on (and loop forever, out of reach of the guard). Stop instead: Python
  // terminates only after the deadline it sent, so a termination always shows up as a late clock.
  function checkpoint() {
    wrDrainMicrotasks();
    if (wallDeadline && realNow() >= wallDeadline) throw new ErrorCtor(ABORT);
  }

  // ---- host effects: asynchronous wx calls that Python fulfils --------------------------------
  wr.effect = function (name, args) {
    return new PromiseCtor(function (resolve, reject) {
      const id = ++effectId;
      mapSet(pending, id, { resolve, reject, name });
      push(effects, { id, seq: ++seq, name, args, context: cfg.kind });
    });
  };
  // A host event keeps its arguments and outcome as they were at the call: the skill may change
  // the very objects later in the step (push to the list it just stored, edit what it just read),
  // before the step's events are serialised for Python. What cannot be copied is kept as it is (the
  // step's serialisation then reports it).
  function frozen(v) {
    if (v === null || typeof v !== 'object') return v;
    try { return jsonParse(bridgeJson(v)); } catch (e) { return v; }
  }
  wr.event = function (name, args, outcome) {
    push(events, { seq: ++seq, name, args: frozen(args), outcome: frozen(outcome), context: cfg.kind });
  };
  // A storage read records the stored JSON text by reference instead of a copy of the value
  // (issue 16: a 35-item catalogue read on every call was copied three times per read). Each text
  // crosses to Python once, under an id; later reads of the same text send the id only. The text
  // stands for the value only when it is what the bridge's own JSON would give for it (a text
  // that Python wrote, say "1.0", is not); ``known`` says this text was checked before.
  let textIds = new Map(); // text -> id, until reset (a bounded table: Python mirrors it)
  let textChars = 0;
  let textNext = 0;
  let newTexts = []; // [id, text] pairs this step
  let textsReset = false;
  const mapSize = uncurry(ObjectGetOwnPropertyDescriptor(Map.prototype, 'size').get);
  const TEXT_IDS_MAX = 512, TEXT_CHARS_MAX = 16 * 1024 * 1024;
  function resetTexts() {
    textIds = new Map(); textChars = 0; newTexts = []; textsReset = true;
  }
  wr.eventStored = function (name, args, value, text, known) {
    if (!known) {
      let again;
      try { again = bridgeJson(value); } catch (e) { again = undefined; }
      if (again !== text) { wr.event(name, args, value); return false; }
    }
    let id = mapGet(textIds, text);
    if (id === undefined) {
      id = ++textNext;
      mapSet(textIds, text, id);
      textChars += text.length;
      push(newTexts, [id, text]);
    }
    push(events, { seq: ++seq, name, args: frozen(args), outcomeRef: id, context: cfg.kind });
    return true;
  };
  function resolveEffects(list) {
    for (let i = 0; i < list.length; i++) {
      const r = list[i];
      const p = mapGet(pending, r.id);
      if (!p) continue;
      mapDelete(pending, r.id);
      if (r.ok) p.resolve(r.value); else p.reject(r.value);
      checkpoint();
    }
  }

  // ---- calls ---------------------------------------------------------------------------------
  function str(v) { return typeof v === 'string' ? v : fmt(v); }
  function errorInfo(e) {
    try {
      if (e !== null && typeof e === 'object' && errorIsPrototypeOf(ErrorCtor.prototype, e)) {
        const field = (k) => { try { return str(e[k]); } catch (x) { return unreadable('an Error whose ' + k, x); } };
        const info = { name: field('name'), message: field('message'), stack: '', syntaxFile: null, code: null };
        try { const st = e.stack; info.stack = typeof st === 'string' ? st : ''; } catch (ignored) { info.stack = ''; }
        const own = (k) => { try { return hasOwn(e, k) ? e[k] : null; } catch (x) { return null; } };
        info.syntaxFile = own('__wrSyntaxFile');
        info.code = own('__wrCode');
        info.file = own('__wrFile');
        info.line = own('__wrLine');
        // wx.cloud failures are Errors carrying the client's errMsg: still a wx API's rejection.
        const errMsg = own('errMsg');
        if (typeof errMsg === 'string') info.errMsg = errMsg;
        return info;
      }
      if (e !== null && typeof e === 'object' && typeof e.errMsg === 'string') return { name: 'WxError', message: e.errMsg, stack: '', errMsg: e.errMsg };
      return { name: 'Thrown', message: fmt(e), stack: '' };
    } catch (inner) {
      return { name: 'Thrown', message: unreadable('a thrown value that', inner), stack: '' };
    }
  }
  wr.errorInfo = errorInfo;
  wr.track = function (id, promise, finish) {
    const rec = { id, done: false };
    mapSet(calls, id, rec);
    const fail = (e) => { ObjectDefineProperty(rec, 'error', { value: errorInfo(e), enumerable: true, writable: true, configurable: true }); };
    promiseThen(promise, function (value) {
      rec.done = true;
      try {
        const json = finish ? finish(value) : jsonStringify(value === undefined ? null : value);
        ObjectDefineProperty(rec, 'json', { value: json, enumerable: true, writable: true, configurable: true });
      } catch (e) { fail(e); rec.error.code = rec.error.code || 'not-serialisable'; }
      mapDelete(calls, id); push(finished, rec);
    }, function (e) {
      rec.done = true; fail(e); mapDelete(calls, id); push(finished, rec);
    });
  };
  wr.starters = {};

  // ---- the one crossing ----------------------------------------------------------------------
  wr.step = function (input) {
    lastOut = null;
    const inp = jsonParse(input);
    logBudget = cfg.limits ? cfg.limits.logBytes + 1 : Infinity;
    wallDeadline = inp.wallDeadline || 0;
    // Only between steps: every id an output refers to is then in that output or an earlier one.
    if (inp.resetTexts || mapSize(textIds) > TEXT_IDS_MAX || textChars > TEXT_CHARS_MAX) resetTexts();
    if (inp.now !== undefined && inp.now > now) now = inp.now;
    // The app was in the background: timers are frozen, so their due times move with the clock.
    if (inp.shiftTimers) mapForEach(timers, (t) => { t.due += inp.shiftTimers; });
    if (inp.storage) wr.storageReplace(inp.storage);
    if (inp.resolve) resolveEffects(inp.resolve);
    checkpoint();
    if (inp.fire) fireDue(now);
    if (inp.start) {
      const s = inp.start;
      try { wr.starters[s.kind](s); } catch (e) { push(finished, { id: s.id, done: true, error: errorInfo(e) }); }
      checkpoint();
    }
    lastOut = drain();
    return lastOut;
  };
  function drain() {
    const t = nextTimer();
    const out = { effects, logs, events, storageOps, findings, finished, now, nextTimer: t === null ? null : t.due, seq,
      texts: newTexts, textsReset };
    effects = []; logs = []; events = []; storageOps = []; findings = []; finished = []; newTexts = []; textsReset = false;
    return bridgeJson(out);
  }
  // After V8 terminated a step (wall-clock guard, heap limit), what it did before dying: its logs
  // and storage writes belong to the failed call, not to the next one. A step whose microtask was
  // terminated may even have finished (see checkpoint()), but Python dropped that answer: merge it.
  wr.flush = function () {
    const cur = drain();
    if (lastOut === null) return cur;
    const prev = jsonParse(lastOut), next = jsonParse(cur);
    lastOut = null;
    const KEYS = ['effects', 'logs', 'events', 'storageOps', 'findings', 'finished', 'texts'];
    next.textsReset = prev.textsReset || next.textsReset;
    for (let j = 0; j < KEYS.length; j++) {
      const k = KEYS[j];
      const both = prev[k];
      for (let i = 0; i < next[k].length; i++) push(both, next[k][i]);
      next[k] = both;
    }
    return bridgeJson(next);
  };

  wr.init = function (config) {
    cfg = config;
    now = config.now;
    seq = config.seq || 0;
    rngState = config.seed | 0;
    for (let i = 0; i < 4; i++) rand32();
    if (config.timers) {
      global.setTimeout = wr.timers.setTimeout; global.setInterval = wr.timers.setInterval;
      global.clearTimeout = wr.timers.clearTimeout; global.clearInterval = wr.timers.clearInterval;
    } else {
      // mini-racer declares these with `var`, so they cannot be deleted: undefined is what a
      // static card sees on the device.
      for (const k of ['setTimeout', 'setInterval', 'clearTimeout', 'clearInterval']) global[k] = undefined;
    }
    global.__timer_manager = undefined;
  };
  wr.pushStorageOp = (op) => { push(storageOps, op); };
  wr.bridgeJson = bridgeJson;
})(globalThis);
