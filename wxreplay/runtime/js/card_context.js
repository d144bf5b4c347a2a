// The card contexts (static card and realtime dynamic card): a glass-easel-compatible Component()
// runtime, the card side of wx.modelContext, and the starters Python uses to create a card, tap
// it and expire it. Cards re-render at the end of every step in which setData ran: the step's
// output then carries a `cards` field with the VNodes each dirty card's compiled WXML produced.
(function (global) {
  'use strict';
  const wr = global.__wr;
  const argsOf = wr.argsOf; // options minus callbacks (prelude.js)

  const NotificationType = Object.freeze({ Input: 'input', Result: 'result', Overflow: 'overflow', Expire: 'expire' });
  const TYPES = Object.keys(NotificationType).map((k) => NotificationType[k]);
  const LIFETIMES = ['created', 'attached', 'ready', 'moved', 'detached', 'error'];

  const defs = Object.create(null); // component js path -> normalised definition
  let loading = null; // js path whose module is being required (Component() binds to it)
  const cards = new Map(); // card id -> record
  const byComp = new WeakMap(); // component instance (`this`) -> record
  const templates = Object.create(null); // template key -> { render(data, R) }
  let R = null; // the WXML runtime helper object
  let tapDepth = 0; // > 0 while a tap handler runs synchronously
  const dirty = new Set();

  function fail(code, message, Cls) {
    const e = new (Cls || Error)(message);
    e.__wrCode = code;
    return e;
  }
  function typeName(v) {
    if (v === null) return 'null';
    if (Array.isArray(v)) return 'an array';
    return typeof v === 'object' ? 'an object' : 'a ' + typeof v;
  }

  // ---- JSON-only data: setData rejects what the view layer cannot receive ---------------------
  function keyPath(base, k) {
    if (typeof k === 'number') return base + '[' + k + ']';
    return base === '' ? k : base + '.' + k;
  }
  function checkedClone(value, where, what, seen) {
    const t = typeof value;
    if (value === null || t === 'string' || t === 'boolean' || t === 'undefined') return value;
    if (t === 'number') return value;
    if (t === 'function' || t === 'bigint' || t === 'symbol') {
      const shown = t === 'function' ? 'a function' + (value.name ? ' (' + value.name + ')' : '') : t === 'bigint' ? 'a BigInt (' + value + 'n)' : 'a Symbol';
      throw fail('setdata-not-serialisable', what + ': "' + where + '" is ' + shown +
        '; setData only takes JSON data (objects, arrays, strings, numbers, booleans, null)', TypeError);
    }
    if (seen.indexOf(value) >= 0) {
      throw fail('setdata-not-serialisable', what + ': "' + where + '" refers back to one of its parents (a cyclic structure); ' +
        'setData only takes JSON data', TypeError);
    }
    if (typeof value.toJSON === 'function') return checkedClone(value.toJSON(), where, what, seen);
    seen.push(value);
    let out;
    if (Array.isArray(value)) {
      out = new Array(value.length);
      for (let i = 0; i < value.length; i++) out[i] = checkedClone(value[i], keyPath(where, i), what, seen);
    } else {
      out = {};
      for (const k of Object.keys(value)) out[k] = checkedClone(value[k], keyPath(where, k), what, seen);
    }
    seen.pop();
    return out;
  }
  function jsonClone(v, what) {
    try { return wr.clone(v); } catch (e) { throw new TypeError(what + ' must be JSON data: ' + e.message); }
  }

  // 'a.b[2].c' -> ['a', 'b', 2, 'c']
  function parsePath(key) {
    const out = [];
    let i = 0, cur = '';
    const s = String(key);
    while (i < s.length) {
      const c = s[i];
      if (c === '\\' && i + 1 < s.length) { cur += s[i + 1]; i += 2; continue; }
      if (c === '.') { if (cur !== '') out.push(cur); cur = ''; i++; continue; }
      if (c === '[') {
        if (cur !== '') out.push(cur);
        cur = '';
        const end = s.indexOf(']', i);
        const n = end < 0 ? NaN : Number(s.slice(i + 1, end));
        if (!Number.isInteger(n) || n < 0) {
          throw fail('setdata-path', 'setData: bad data path "' + s + '": an index in [] must be a non-negative integer', SyntaxError);
        }
        out.push(n);
        i = end + 1;
        continue;
      }
      cur += c; i++;
    }
    if (cur !== '') out.push(cur);
    if (out.length === 0) throw fail('setdata-path', 'setData: empty data path "' + s + '"', SyntaxError);
    return out;
  }
  function assignPath(data, path, value) {
    let obj = data;
    for (let i = 0; i < path.length - 1; i++) {
      const k = path[i];
      let next = obj[k];
      if (next === null || typeof next !== 'object') { next = typeof path[i + 1] === 'number' ? [] : {}; obj[k] = next; }
      obj = next;
    }
    obj[path[path.length - 1]] = value;
  }
  function valueAt(data, path) {
    let v = data;
    for (const k of path) { if (v === null || v === undefined) return undefined; v = v[k]; }
    return v;
  }

  // ---- Component() / Behavior() ---------------------------------------------------------------
  function propDefault(p) {
    if (p && typeof p === 'object' && !Array.isArray(p) && ('type' in p || 'value' in p || 'optionalTypes' in p || 'observer' in p)) {
      if ('value' in p) return p.value;
      p = p.type;
    }
    if (p === String) return '';
    if (p === Number) return 0;
    if (p === Boolean) return false;
    if (p === Array) return [];
    return null;
  }
  function parseObserverKey(key) {
    return String(key).split(',').map((raw) => {
      const f = raw.trim();
      if (f === '**') return { path: [], deep: true, raw: f };
      if (f.endsWith('.**')) return { path: parsePath(f.slice(0, -3)), deep: true, raw: f };
      return { path: parsePath(f), deep: false, raw: f };
    });
  }
  function normalise(def, into, seen) {
    if (!def || typeof def !== 'object') throw new TypeError('Component(options) / Behavior(options): options must be an object, got ' + typeName(def));
    for (const b of def.behaviors || []) {
      if (b && b.__wrBehavior) { if (seen.indexOf(b) < 0) { seen.push(b); normalise(b.def, into, seen); } }
      else if (typeof b === 'string') wr.finding('card-behavior', 'built-in behavior "' + b + '" has no effect in a card');
      else throw new TypeError('behaviors: each entry must be made by Behavior({...}), got ' + typeName(b));
    }
    const props = def.properties || {};
    for (const k of Object.keys(props)) {
      into.properties[k] = props[k];
      into.data.push({ [k]: propDefault(props[k]) });
    }
    if (def.data !== undefined) {
      if (def.data === null || typeof def.data !== 'object') throw new TypeError('Component({ data }): data must be an object, got ' + typeName(def.data));
      into.data.push(def.data);
    }
    const methods = def.methods || {};
    for (const k of Object.keys(methods)) {
      if (typeof methods[k] !== 'function') throw new TypeError('Component({ methods }): methods.' + k + ' must be a function, got ' + typeName(methods[k]));
      into.methods[k] = methods[k];
    }
    for (const name of LIFETIMES) {
      const fn = (def.lifetimes && def.lifetimes[name]) || def[name];
      if (typeof fn === 'function') into.lifetimes[name].push(fn);
    }
    const obs = def.observers || {};
    for (const k of Object.keys(obs)) {
      if (typeof obs[k] !== 'function') throw new TypeError('Component({ observers }): observers["' + k + '"] must be a function');
      into.observers.push({ fields: parseObserverKey(k), fn: obs[k], key: k });
    }
    if (def.options) Object.assign(into.options, def.options);
    return into;
  }
  function emptyDef() {
    const lifetimes = {};
    for (const n of LIFETIMES) lifetimes[n] = [];
    return { data: [], properties: {}, methods: {}, lifetimes, observers: [], options: {} };
  }
  global.Component = function Component(def) {
    if (loading === null) {
      wr.finding('card-component', 'Component() was called outside a card component\'s index.js; it has no effect');
      return;
    }
    if (defs[loading]) wr.finding('card-component', 'Component() was called twice in ' + loading + '; the later call wins');
    const d = normalise(def, emptyDef(), []);
    if (d.options.virtualHost) wr.finding('card-virtual-host', loading + ': a card must not be a virtual component (options.virtualHost)', { level: 'error' });
    defs[loading] = d;
  };
  global.Behavior = function Behavior(def) {
    if (!def || typeof def !== 'object') throw new TypeError('Behavior(options): options must be an object, got ' + typeName(def));
    return Object.freeze({ __wrBehavior: true, def });
  };
  global.Page = function Page() {
    throw new Error('Page() is not available in a card; a card component is defined with Component({...})');
  };

  // ---- instances ------------------------------------------------------------------------------
  function recOf(comp, what) {
    const rec = comp && byComp.get(comp);
    if (!rec) {
      throw new TypeError(what + '(this): pass the card component instance (`this` inside its lifetimes or methods); got ' + typeName(comp));
    }
    return rec;
  }

  function setData(rec, obj, cb) {
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      throw new TypeError('setData(data): data must be an object of key -> value, got ' + typeName(obj));
    }
    const changes = [];
    let size = 0;
    const limits = wr.cfg().limits || {};
    for (const key of Object.keys(obj)) {
      const path = parsePath(key);
      if (obj[key] === undefined) wr.finding('setdata-undefined', 'setData: "' + key + '" is set to undefined, which the client ignores with a warning; use null');
      const value = checkedClone(obj[key], key, 'setData', []);
      size += key.length + (value === undefined ? 0 : wr.bridgeJson(value).length);
      if (size > limits.setDataBytes) {
        throw fail('setdata-too-large', 'setData: the data passed is larger than ' + limits.setDataBytes +
          ' bytes of JSON (SessionLimits.set_data_bytes); send less per call', RangeError);
      }
      changes.push([path, value]); // all keys checked before any is applied
    }
    const before = {};
    for (const [path] of changes) { const top = path[0]; if (rec.def.properties[top] !== undefined && !(top in before)) before[top] = rec.comp.data[top]; }
    for (const [path, value] of changes) assignPath(rec.comp.data, path, value);
    if (size > 0 && wr.bridgeJson(rec.comp.data).length > limits.cardDataBytes) {
      throw fail('card-data-too-large', 'setData: the card\'s data is now larger than ' + limits.cardDataBytes +
        ' bytes of JSON (SessionLimits.card_data_bytes); keep only what the card shows', RangeError);
    }
    dirty.add(rec);
    if (typeof cb === 'function') rec.callbacks.push(cb);
    runObservers(rec, changes.map((c) => c[0]), before);
  }
  function related(field, changed) {
    const f = field.path, n = Math.min(f.length, changed.length);
    for (let i = 0; i < n; i++) if (String(f[i]) !== String(changed[i])) return false;
    // setting `a` fires observers of `a.b`; `a.b` fires `a.**` (and `**`) but not a plain `a`
    return changed.length <= f.length || field.deep;
  }
  function runObservers(rec, changed, before) {
    if (++rec.observerDepth > 50) {
      rec.observerDepth = 0;
      throw fail('observer-loop', 'observers kept calling setData (more than 50 nested rounds); an observer must not set the field it watches');
    }
    try {
      for (const ob of rec.def.observers) {
        if (!ob.fields.some((f) => changed.some((c) => related(f, c)))) continue;
        ob.fn.apply(rec.comp, ob.fields.map((f) => valueAt(rec.comp.data, f.path)));
      }
      for (const top of Object.keys(before)) {
        const p = rec.def.properties[top];
        const fn = p && typeof p === 'object' ? p.observer : null;
        const handler = typeof fn === 'function' ? fn : typeof fn === 'string' ? rec.comp[fn] : null;
        if (typeof handler === 'function') handler.call(rec.comp, rec.comp.data[top], before[top], [top]);
      }
    } finally { rec.observerDepth--; }
  }

  // ---- createSelectorQuery and MapContext (recorded stubs) ------------------------------------
  function matchesSel(v, sel) {
    const attrs = v.attrs || {};
    const m = /^([A-Za-z][\w-]*)?((?:[#.][\w-]+)*)$/.exec(sel.trim());
    if (!m) return false;
    if (m[1] && v.tag !== m[1]) return false;
    const classes = String(attrs.class || '').split(/\s+/);
    for (const part of (m[2] || '').match(/[#.][\w-]+/g) || []) {
      if (part[0] === '#' ? attrs.id !== part.slice(1) : classes.indexOf(part.slice(1)) < 0) return false;
    }
    return true;
  }
  function findVNodes(rec, sel, all) {
    const out = [];
    (function walk(list) {
      for (const v of list || []) {
        if (!v || !v.tag) continue;
        if (matchesSel(v, sel)) { out.push(v); if (!all) return true; }
        if (walk(v.kids)) return true;
      }
      return false;
    })(rec.vnodes);
    return out;
  }
  const MAP_METHODS = ['getCenterLocation', 'setLocMarkerIcon', 'moveToLocation', 'translateMarker', 'moveAlong', 'includePoints',
    'getRegion', 'getRotate', 'getSkew', 'getScale', 'setCenterOffset', 'removeCustomLayer', 'addCustomLayer', 'addGroundOverlay',
    'addVisualLayer', 'removeVisualLayer', 'addArc', 'removeArc', 'setBoundary', 'updateGroundOverlay', 'removeGroundOverlay',
    'toScreenLocation', 'fromScreenLocation', 'openMapApp', 'addMarkers', 'removeMarkers', 'initMarkerCluster', 'on'];
  function mapContext(rec, mapId, vnode) {
    const attrs = (vnode && vnode.attrs) || {};
    const ctx = { __wrMap: mapId };
    for (const m of MAP_METHODS) {
      ctx[m] = function (opts) {
        const args = m === 'on' ? { event: arguments[0] } : wr.clone(argsOf(opts));
        wr.event('mapContext.' + m, { card: rec.id, mapId, args }, null);
        if (m === 'on') return undefined;
        let res;
        let ok = true;
        if (m === 'openMapApp') {
          ok = false;
          wr.finding('card-map', 'MapContext.openMapApp is not available in a card (spec 5.2)');
          res = { errMsg: 'openMapApp:fail not supported in a card' };
        } else if (m === 'getCenterLocation') {
          res = { latitude: Number(attrs.latitude) || 0, longitude: Number(attrs.longitude) || 0, errMsg: m + ':ok' };
        } else if (m === 'getScale') res = { scale: Number(attrs.scale) || 16, errMsg: m + ':ok' };
        else if (m === 'getRotate' || m === 'getSkew') res = { rotate: 0, skew: 0, errMsg: m + ':ok' };
        else res = { errMsg: m + ':ok' };
        const p = ok ? Promise.resolve(res) : Promise.reject(res);
        if (opts && (typeof opts.success === 'function' || typeof opts.fail === 'function' || typeof opts.complete === 'function')) {
          p.then((r) => { if (opts.success) opts.success(r); if (opts.complete) opts.complete(r); },
            (r) => { if (opts.fail) opts.fail(r); if (opts.complete) opts.complete(r); });
          return undefined;
        }
        return p;
      };
    }
    return ctx;
  }
  function selectorQuery(rec) {
    const ops = [];
    const later = (fn) => { Promise.resolve().then(fn).catch((e) => wr.reportError('SelectorQuery callback', e)); };
    const q = {
      in() { return q; },
      select(sel) { return nodesRef(sel, false); },
      selectAll(sel) { return nodesRef(sel, true); },
      selectViewport() { return nodesRef(null, false); },
      exec(cb) {
        const results = ops.map((op) => op());
        later(() => { results.forEach((r, i) => { if (typeof ops[i].cb === 'function') ops[i].cb(r.value); }); if (typeof cb === 'function') cb(results.map((r) => r.value)); });
        return q;
      },
    };
    function nodesRef(sel, all) {
      function add(make, cb) {
        const op = function () {
          const found = sel === null ? [{ tag: 'viewport', attrs: {} }] : findVNodes(rec, sel, all);
          const vals = found.map(make);
          return { value: all ? vals : (vals.length ? vals[0] : null) };
        };
        op.cb = cb;
        ops.push(op);
        return q;
      }
      const rect = (v) => ({ id: (v.attrs && v.attrs.id) || '', dataset: v.ds || {}, left: 0, top: 0, right: 0, bottom: 0, width: 0, height: 0 });
      return {
        context(cb) {
          return add((v) => {
            const id = (v.attrs && v.attrs.id) || '';
            if (v.tag !== 'map') return { context: null };
            wr.event('mapContext.create', { card: rec.id, mapId: id, via: 'createSelectorQuery' }, null);
            return { context: mapContext(rec, id, v) };
          }, cb);
        },
        boundingClientRect(cb) { return add(rect, cb); },
        scrollOffset(cb) { return add((v) => ({ id: (v.attrs && v.attrs.id) || '', dataset: v.ds || {}, scrollLeft: 0, scrollTop: 0 }), cb); },
        fields(f, cb) { return add((v) => Object.assign({}, (f && f.id) ? { id: (v.attrs && v.attrs.id) || '' } : {}, (f && f.dataset) ? { dataset: v.ds || {} } : {}, (f && (f.rect || f.size)) ? { left: 0, top: 0, width: 0, height: 0 } : {}), cb); },
        node(cb) { return add(() => ({ node: null }), cb); },
      };
    }
    return q;
  }

  function makeInstance(rec) {
    const d = rec.def;
    const comp = {};
    let data = {};
    for (const part of d.data) data = Object.assign(data, checkedClone(part, '', 'Component({ data })', []));
    for (const k of Object.keys(d.methods)) comp[k] = d.methods[k];
    Object.defineProperties(comp, {
      data: { get() { return data; }, set(v) { data = v; }, enumerable: false, configurable: true },
      properties: { get() { return data; }, enumerable: false, configurable: true },
      is: { value: rec.is, enumerable: false },
      id: { value: '', enumerable: false },
      dataset: { value: {}, enumerable: false },
      setData: { value: function (obj, cb) { setData(rec, obj, cb); }, enumerable: false, writable: true },
      groupSetData: { value: function (fn) { if (typeof fn === 'function') fn.call(comp); }, enumerable: false, writable: true },
      triggerEvent: {
        value: function (name, detail, options) {
          wr.event('component.triggerEvent', { card: rec.id, name: String(name), detail: detail === undefined ? null : jsonClone(detail, 'triggerEvent detail'), options: jsonClone(argsOf(options), 'triggerEvent options') }, null);
        }, enumerable: false, writable: true,
      },
      createSelectorQuery: { value: function () { return selectorQuery(rec); }, enumerable: false, writable: true },
      selectComponent: { value: function () { return null; }, enumerable: false, writable: true },
      selectAllComponents: { value: function () { return []; }, enumerable: false, writable: true },
      getRelationNodes: { value: function () { return []; }, enumerable: false, writable: true },
      hasBehavior: { value: function (b) { return !!b && (rec.behaviors || []).indexOf(b) >= 0; }, enumerable: false, writable: true },
    });
    return comp;
  }

  function lifetime(rec, name) {
    for (const fn of rec.def.lifetimes[name]) fn.call(rec.comp);
  }
  function deliver(rec, type, payload) {
    for (const cb of rec.listeners[type].slice()) cb.call(undefined, wr.clone(payload));
  }

  // ---- wx.modelContext in a card --------------------------------------------------------------
  function checkType(type, what) {
    if (TYPES.indexOf(type) < 0) {
      throw new TypeError(what + '.on(type, callback): unknown notification type ' + JSON.stringify(type) +
        '; use wx.modelContext.NotificationType.Input / Result / Overflow / Expire');
    }
  }
  function on(rec, what) {
    return function (type, cb) {
      checkType(type, what);
      if (typeof cb !== 'function') throw new TypeError(what + '.on(type, callback): callback must be a function, got ' + typeName(cb));
      rec.listeners[type].push(cb);
    };
  }
  function record(rec, name, args) {
    wr.event('modelContext.' + name, Object.assign({ card: rec.id, inTap: tapDepth > 0 }, args), null);
  }
  function contentOf(opts, what) {
    if (!opts || typeof opts !== 'object') throw new TypeError(what + '({ content }): pass an object with a content array, got ' + typeName(opts));
    return jsonClone(opts.content === undefined ? null : opts.content, what + ' content');
  }
  function pathsOf(opts) {
    const o = opts && typeof opts === 'object' ? opts : {};
    const out = {};
    if (o.componentPaths !== undefined) out.componentPaths = jsonClone(o.componentPaths, 'componentPaths');
    if (o.componentPath !== undefined) out.componentPath = jsonClone(o.componentPath, 'componentPath');
    if (o.match !== undefined) out.match = o.match;
    return out;
  }
  function pageOf(opts, what) {
    if (!opts || typeof opts !== 'object') throw new TypeError(what + '({ url }): pass an object, got ' + typeName(opts));
    const out = {};
    for (const k of ['url', 'path', 'query']) if (opts[k] !== undefined) out[k] = jsonClone(opts[k], what + ' ' + k);
    return out;
  }
  function done(name, opts) {
    const res = { errMsg: name + ':ok' };
    if (opts && typeof opts === 'object') {
      if (typeof opts.success === 'function') try { opts.success(res); } catch (e) { wr.reportError(name + ' success callback', e); }
      if (typeof opts.complete === 'function') try { opts.complete(res); } catch (e) { wr.reportError(name + ' complete callback', e); }
    }
    return Promise.resolve(res);
  }
  function dimensions() {
    const win = (wr.cfg().device || {}).windowInfo || {};
    const width = Number(win.windowWidth) || 393;
    return { width, minHeight: width / 4, maxHeight: width };
  }
  function getContext(comp) {
    const rec = recOf(comp, 'wx.modelContext.getContext');
    return {
      on: on(rec, 'getContext(this)'),
      sendFollowUpMessage(opts) { record(rec, 'sendFollowUpMessage', { content: contentOf(opts, 'sendFollowUpMessage') }); return done('sendFollowUpMessage', opts); },
    };
  }
  function getViewContext(comp) {
    const rec = recOf(comp, 'wx.modelContext.getViewContext');
    return {
      on: on(rec, 'getViewContext(this)'),
      updateModelContext(opts) { record(rec, 'updateModelContext', { content: contentOf(opts, 'updateModelContext') }); return done('updateModelContext', opts); },
      setRelatedPage(opts) { record(rec, 'setRelatedPage', pageOf(opts, 'setRelatedPage')); return done('setRelatedPage', opts); },
      setRelatedPageQuery(opts) {
        const q = opts && typeof opts === 'object' && !('query' in opts) ? { query: jsonClone(argsOf(opts), 'setRelatedPageQuery') } : pageOf(opts, 'setRelatedPageQuery');
        record(rec, 'setRelatedPage', Object.assign({ form: 'setRelatedPageQuery' }, q));
        return done('setRelatedPageQuery', opts);
      },
      openDetailPage(opts) { record(rec, 'openDetailPage', pageOf(opts, 'openDetailPage')); return done('openDetailPage', opts); },
      preloadDetailPage(opts) { record(rec, 'preloadDetailPage', pageOf(opts, 'preloadDetailPage')); return done('preloadDetailPage', opts); },
      expirePreviousCards(opts) { record(rec, 'expirePreviousCards', pathsOf(opts)); return done('expirePreviousCards', opts); },
      getDimensions() { return dimensions(); },
    };
  }
  wr.buildCardModelContext = function () {
    return {
      NotificationType,
      getContext,
      getViewContext,
      expireAllCards(opts) {
        const rec = currentCard;
        wr.event('modelContext.expireAllCards', Object.assign(rec ? { card: rec.id } : {}, pathsOf(opts)), null);
      },
    };
  };
  let currentCard = null; // the card whose code runs synchronously right now (for expireAllCards)
  function within(rec, fn) {
    const prev = currentCard;
    currentCard = rec;
    try { return fn(); } finally { currentCard = prev; }
  }

  wr.cardWxExtensions = function () {
    return {
      createMapContext(id, comp) {
        const rec = comp ? byComp.get(comp) : currentCard;
        if (!rec) throw new TypeError('wx.createMapContext(id, this): pass the card component instance as the second argument');
        const v = findVNodes(rec, '#' + id, false)[0];
        wr.event('mapContext.create', { card: rec.id, mapId: String(id), via: 'createMapContext' }, null);
        return mapContext(rec, String(id), v);
      },
    };
  };

  // ---- rendering: at the end of every step in which setData ran -------------------------------
  // A card renders at most this many levels of elements, as its WXML may nest at most as many (MAX_NESTING,
  // wxreplay/source.py): a template that includes itself could otherwise render thousands of levels, which
  // no reader past this context (the step's JSON, the card tree, snapshots) walks without overflowing.
  const MAX_RENDER_DEPTH = 100;
  const RenderError = Error; // captured before any card code runs
  // Depth first, without allocating: a render may have left the heap near its limit (a memory bomb),
  // and a check that grew arrays there took the process down.
  function renderedTooDeep(list, depth) {
    for (let j = 0; list && j < list.length; j++) {
      const v = list[j];
      if (v && v.kids && v.kids.length && (depth >= MAX_RENDER_DEPTH || renderedTooDeep(v.kids, depth + 1))) return true;
    }
    return false;
  }
  function render(rec) {
    if (!rec.tpl) return null;
    try {
      rec.vnodes = rec.tpl.render(rec.comp.data, R);
      if (renderedTooDeep(rec.vnodes, 1)) {
        rec.vnodes = [];
        const e = new RenderError('the card renders deeper than ' + MAX_RENDER_DEPTH + ' levels of elements');
        e.__wrCode = 'render-depth';
        throw e;
      }
      return { card: rec.id, vnodes: rec.vnodes };
    } catch (e) {
      const info = wr.errorInfo(e);
      return { card: rec.id, error: info, file: R && R.file !== undefined ? R.file : null, line: R && R.line !== undefined ? R.line : null };
    }
  }
  const baseStep = wr.step;
  wr.step = function (input) {
    const first = baseStep(input);
    if (dirty.size === 0) return first;
    const out = new Map();
    for (let round = 0; dirty.size > 0 && round < 20; round++) {
      const list = Array.from(dirty);
      dirty.clear();
      for (const rec of list) { const r = render(rec); if (r) out.set(rec.id, r); }
      for (const rec of list) {
        const cbs = rec.callbacks;
        rec.callbacks = [];
        for (const cb of cbs) within(rec, () => { try { cb.call(rec.comp); } catch (e) { wr.reportError('setData callback', e); } });
      }
      wrDrainMicrotasks();
    }
    // Renders and callbacks may log or record events: merge them into this step's output.
    const merged = wr.flush();
    const cards = [];
    wr.map.forEach(out, (v) => { wr.push(cards, v); });
    return merged.slice(0, -1) + ',"cards":' + wr.bridgeJson(cards) + '}';
  };

  // ---- starters -------------------------------------------------------------------------------
  wr.installWxml = function (runtimeSource) { R = wr.compileScript(runtimeSource); };
  wr.defineTemplate = function (key, source) { templates[key] = wr.compileScript(source); };
  wr.hasTemplate = (key) => !!templates[key];

  function loadDefinition(js) {
    if (!defs[js]) {
      const prev = loading;
      loading = js;
      try { wr.require(js); } finally { loading = prev; }
    }
    const d = defs[js];
    if (!d) {
      throw fail('no-component', js + ' did not call Component({...}); a card\'s index.js must register the component with Component()');
    }
    return d;
  }

  wr.starters.cardCreate = function (s) {
    if (s.runtime) wr.installWxml(s.runtime);
    if (s.template) wr.defineTemplate(s.templateKey, s.template);
    const rec = {
      id: s.card, is: s.is, def: null, comp: null, tpl: templates[s.templateKey] || null, vnodes: [], callbacks: [],
      listeners: { input: [], result: [], overflow: [], expire: [] }, observerDepth: 0, expired: false,
    };
    const p = Promise.resolve().then(() => within(rec, () => {
      rec.def = loadDefinition(s.js);
      rec.comp = makeInstance(rec);
      byComp.set(rec.comp, rec);
      cards.set(rec.id, rec);
      dirty.add(rec); // the first render happens whatever the card does
      lifetime(rec, 'created');
      lifetime(rec, 'attached');
      deliver(rec, 'input', s.input);
      deliver(rec, 'result', s.result);
      lifetime(rec, 'ready');
      return { listeners: { input: rec.listeners.input.length, result: rec.listeners.result.length, expire: rec.listeners.expire.length, overflow: rec.listeners.overflow.length } };
    }));
    wr.track(s.id, p);
  };

  wr.starters.cardTap = function (s) {
    const rec = cards.get(s.card);
    if (!rec) throw new Error('card ' + s.card + ' does not exist in this context');
    const waits = [];
    const called = [];
    within(rec, () => {
      for (const d of s.dispatch) {
        const fn = rec.comp[d.handler];
        if (typeof fn !== 'function') {
          wr.finding('card-no-method', 'Component "' + rec.is + '" does not have a method "' + d.handler + '" to handle event "' + s.type + '"', { level: 'error' });
          continue;
        }
        const ev = {
          type: s.type, timeStamp: s.timeStamp, detail: wr.clone(s.detail),
          target: { id: s.target.id, dataset: wr.clone(s.target.dataset), offsetLeft: 0, offsetTop: 0 },
          currentTarget: { id: d.currentTarget.id, dataset: wr.clone(d.currentTarget.dataset), offsetLeft: 0, offsetTop: 0 },
          mark: {}, touches: [], changedTouches: [],
        };
        called.push(d.handler);
        tapDepth++;
        let ret;
        try { ret = fn.call(rec.comp, ev); } finally { tapDepth--; }
        if (ret && typeof ret.then === 'function') waits.push(ret);
      }
    });
    wr.track(s.id, Promise.all(waits).then(() => ({ called })));
  };

  wr.starters.cardNotify = function (s) {
    const rec = cards.get(s.card);
    if (!rec) throw new Error('card ' + s.card + ' does not exist in this context');
    const p = Promise.resolve().then(() => within(rec, () => {
      if (s.type === 'expire') {
        rec.expired = true;
        dirty.add(rec); // the expired overlay is a new picture even when the card sets no data
        deliver(rec, 'expire', s.payload || {});
        if (typeof rec.comp.onExpire === 'function') rec.comp.onExpire(wr.clone(s.payload || {}));
      } else deliver(rec, s.type, s.payload || {});
      return { listeners: rec.listeners[s.type].length };
    }));
    wr.track(s.id, p);
  };

  wr.starters.cardDetach = function (s) {
    const rec = cards.get(s.card);
    const p = Promise.resolve().then(() => { if (rec) { within(rec, () => lifetime(rec, 'detached')); cards.delete(rec.id); dirty.delete(rec); } return null; });
    wr.track(s.id, p);
  };
})(globalThis);
