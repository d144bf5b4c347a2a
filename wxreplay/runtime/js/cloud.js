// wx.cloud for the atomic API context: functions, database, storage and AI as host effects.
// The JS side stays thin: it validates what the device validates synchronously, serialises a query
// into a plain descriptor (commands, dates and regular expressions as tagged JSON) and makes ONE
// host effect per terminal operation. Python's in-memory cloud (host/cloud.py) does the rest.
(function (global) {
  'use strict';
  const wr = global.__wr;
  const DYNAMIC_CURRENT_ENV = Symbol('DYNAMIC_CURRENT_ENV');
  const ErrorCtor = Error; // captured: a skill replacing Error must not change what failures are
  const defineProperty = Object.defineProperty;

  // ---- failures: Error objects with errCode and errMsg (platform-spec A2) -----------------------
  const UNIVERSAL = -1, BAD_ARGUMENT = -401002, BAD_ARGUMENT_TYPE = -401003;
  const INTERNAL_FRAME = /[( ](wxreplay:|<anonymous>)/; // as jsstack.clean_stack drops them
  // Where the skill made the call: the rejection comes later from the host, whose own stack holds
  // only wxreplay's frames. The skill's frames are kept (they locate an uncaught failure), ours are not
  // (a skill logging the error must not show lines of this file, which change with wxreplay).
  function callSite() {
    try { const st = new ErrorCtor().stack; return typeof st === 'string' ? st : ''; } catch (e) { return ''; }
  }
  function cloudError(name, value, site) {
    let errMsg, errCode;
    if (value !== null && typeof value === 'object') { errMsg = value.errMsg; errCode = value.errCode; }
    if (typeof errMsg !== 'string') errMsg = name + ':fail ' + (typeof value === 'string' ? value : 'unknown error');
    if (typeof errCode !== 'number') errCode = UNIVERSAL;
    const err = new ErrorCtor(errMsg);
    err.errMsg = errMsg;
    err.errCode = errCode;
    const frames = String(site || '').split('\n').slice(1).filter((line) => !INTERNAL_FRAME.test(line));
    defineProperty(err, 'stack', { value: 'Error: ' + errMsg + (frames.length ? '\n' + frames.join('\n') : ''), writable: true, configurable: true, enumerable: false });
    return err;
  }
  // The host effect `name`, its rejection turned into the client's Error.
  function effect(name, args, site) {
    return wr.effect(name, args).then(undefined, function (value) { throw cloudError(name, value, site); });
  }

  // ---- callback + Promise styles (as wx.js) --------------------------------------------------
  function hasCallbacks(o) {
    return !!o && (typeof o.success === 'function' || typeof o.fail === 'function' || typeof o.complete === 'function');
  }
  function callback(name, which, fn, arg) {
    if (typeof fn !== 'function') return;
    try { fn(arg); } catch (e) { wr.reportError('wx.' + name + ' ' + which + ' callback', e); }
  }
  function style(name, opts, promise) {
    if (!hasCallbacks(opts)) return promise;
    promise.then(function (res) { callback(name, 'success', opts.success, res); callback(name, 'complete', opts.complete, res); },
      function (err) { callback(name, 'fail', opts.fail, err); callback(name, 'complete', opts.complete, err); });
    return undefined;
  }
  function typeName(v) {
    if (v === undefined) return 'Undefined';
    if (v === null) return 'Null';
    if (Array.isArray(v)) return 'Array';
    const t = typeof v;
    return t.charAt(0).toUpperCase() + t.slice(1);
  }
  // A parameter error the device reports without reaching the cloud: still recorded as an event.
  // A value of the wrong type is -401003, a value of the right type that is not allowed -401002.
  function localFail(name, opts, args, e, site) {
    const code = e instanceof TypeError ? BAD_ARGUMENT_TYPE : BAD_ARGUMENT;
    const value = { errMsg: name + ':fail ' + e.message, errCode: code };
    wr.event(name, args, value);
    return style(name, opts, Promise.reject(cloudError(name, value, site)));
  }

  // ---- tagged JSON: commands, server dates, regular expressions, dates ------------------------
  function Command(op, v) { this.op = op; this.v = v; }
  function many(a) { return a.length === 1 && Array.isArray(a[0]) ? a[0] : a; }
  Command.prototype.and = function (...more) { return new Command('and', [this].concat(many(more))); };
  Command.prototype.or = function (...more) { return new Command('or', [this].concat(many(more))); };
  function ServerDate(offset) { this.offset = Number(offset) || 0; }
  function CloudRegExp(o) {
    if (!o || (typeof o.regexp !== 'string' && !(o.regexp instanceof RegExp))) throw new TypeError('db.RegExp({ regexp, options }): regexp should be String');
    this.regexp = o.regexp instanceof RegExp ? o.regexp.source : o.regexp;
    this.options = typeof o.options === 'string' ? o.options : '';
  }
  function encode(v) {
    if (v === null) return null;
    const t = typeof v;
    if (t === 'function' || t === 'symbol' || t === 'undefined') return undefined;
    if (t === 'bigint') throw new TypeError('BigInt values cannot be stored in the cloud database');
    if (t !== 'object') return v;
    if (v instanceof Command) return { $wr: v.op, v: encode(v.v) };
    if (v instanceof ServerDate) return { $wr: 'serverDate', offset: v.offset };
    if (v instanceof CloudRegExp) return { $regex: v.regexp, $options: v.options };
    if (v instanceof RegExp) return { $regex: v.source, $options: v.flags };
    if (v instanceof Date) return { $date: v.getTime() };
    if (Array.isArray(v)) return v.map((x) => { const e = encode(x); return e === undefined ? null : e; });
    const out = {};
    for (const k of Object.keys(v)) { const e = encode(v[k]); if (e !== undefined) out[k] = e; }
    return out;
  }
  function decode(v) {
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map(decode);
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === '$date' && typeof v.$date === 'number') return new Date(v.$date);
    const out = {};
    for (const k of keys) out[k] = decode(v[k]);
    return out;
  }
  function plain(v) { return v === undefined ? undefined : wr.clone(v); }

  wr.buildCloud = function () {
    let initEnv;
    let inited = false;
    let warned = false;

    function envFor(service, explicit, api) {
      if (!inited && !warned) {
        warned = true;
        wr.finding('cloud-not-initialised', 'wx.' + api + ' was called before wx.cloud.init(); the device falls back to the default '
          + 'cloud environment. Call wx.cloud.init({ env }) in a middleware (an independent subpackage cannot rely on the main package\'s init)',
        { api: 'wx.' + api });
      }
      let env = explicit !== undefined ? explicit : initEnv;
      if (env !== null && typeof env === 'object') env = env[service] !== undefined ? env[service] : env.default;
      if (env === undefined || env === null || env === '' || env === DYNAMIC_CURRENT_ENV) return null;
      return String(env);
    }

    function init(opts) {
      opts = opts || {};
      const env = opts.env;
      const rec = { env: env === DYNAMIC_CURRENT_ENV ? 'DYNAMIC_CURRENT_ENV' : (env === undefined ? null : plain(env)), traceUser: !!opts.traceUser };
      if (env !== undefined && env !== null && env !== DYNAMIC_CURRENT_ENV && typeof env !== 'string' && typeof env !== 'object') {
        const err = { errMsg: 'cloud.init:fail parameter.env should be String or Object instead of ' + typeName(env) };
        wr.event('cloud.init', rec, err);
        throw new TypeError(err.errMsg);
      }
      inited = true;
      initEnv = env;
      wr.event('cloud.init', rec, null);
    }

    // An API answered by one host effect; `build` turns the options into the effect's arguments.
    function hostCall(api, build, finish) {
      const name = 'cloud.' + api;
      return function (opts) {
        opts = opts || {};
        const site = callSite();
        let args;
        try { args = build(opts); } catch (e) { return localFail(name, opts, argsOf(opts), e, site); }
        let p = effect(name, args, site);
        if (finish) p = p.then(finish);
        return style(name, opts, p);
      };
    }
    function argsOf(opts) {
      const out = {};
      for (const k of Object.keys(opts)) if (typeof opts[k] !== 'function') out[k] = opts[k];
      try { return plain(out); } catch (e) { return {}; }
    }
    function configEnv(o) { return o.config && typeof o.config === 'object' ? o.config.env : undefined; }
    function needString(o, key) {
      if (typeof o[key] !== 'string' || o[key] === '') throw new TypeError('parameter.' + key + ' should be String instead of ' + typeName(o[key]));
    }

    const callFunction = hostCall('callFunction', (o) => {
      needString(o, 'name');
      const args = { name: o.name, data: o.data === undefined ? {} : plain(o.data), env: envFor('functions', configEnv(o), 'cloud.callFunction') };
      if (o.config) args.config = plain(Object.assign({}, o.config, { env: undefined }));
      return args;
    });
    const callHTTPFunction = hostCall('callHTTPFunction', (o) => {
      needString(o, 'name');
      return {
        name: o.name, path: typeof o.path === 'string' ? o.path : '/', method: String(o.method || 'GET').toUpperCase(),
        header: plain(o.header || {}), data: o.data === undefined ? null : plain(o.data),
        env: envFor('functions', configEnv(o), 'cloud.callHTTPFunction'),
      };
    });
    function fileList(o, api) {
      if (!Array.isArray(o.fileList)) throw new TypeError('parameter.fileList should be Array instead of ' + typeName(o.fileList));
      if (o.fileList.length === 0) throw new RangeError('parameter.fileList should not be empty');
      return { fileList: plain(o.fileList), env: envFor('storage', configEnv(o), api) };
    }
    const getTempFileURL = hostCall('getTempFileURL', (o) => fileList(o, 'cloud.getTempFileURL'));
    const deleteFile = hostCall('deleteFile', (o) => fileList(o, 'cloud.deleteFile'));
    const uploadFile = hostCall('uploadFile', (o) => {
      needString(o, 'cloudPath'); needString(o, 'filePath');
      return { cloudPath: o.cloudPath, filePath: o.filePath, env: envFor('storage', configEnv(o), 'cloud.uploadFile') };
    });
    const downloadFile = hostCall('downloadFile', (o) => {
      needString(o, 'fileID');
      return { fileID: o.fileID, env: envFor('storage', configEnv(o), 'cloud.downloadFile') };
    });

    // ---- database ------------------------------------------------------------------------------
    const command = {};
    for (const op of ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'exists', 'inc', 'set', 'push']) command[op] = (v) => new Command(op, v);
    command.in = (arr) => { if (!Array.isArray(arr)) throw new TypeError('db.command.in(values): values should be Array'); return new Command('in', arr); };
    command.nin = (arr) => { if (!Array.isArray(arr)) throw new TypeError('db.command.nin(values): values should be Array'); return new Command('nin', arr); };
    command.and = (...a) => new Command('and', many(a));
    command.or = (...a) => new Command('or', many(a));
    command.remove = () => new Command('remove', null);
    Object.freeze(command);

    function database(dbOpts) {
      const explicitEnv = dbOpts && dbOpts.env !== undefined ? dbOpts.env : undefined;
      // The env is resolved when a request is made: skills create `db` at module load, before the
      // middleware's wx.cloud.init() has run.
      const db = { explicitEnv };
      db.command = command;
      db.serverDate = (o) => new ServerDate(o && o.offset);
      db.RegExp = (o) => new CloudRegExp(o);
      db.collection = (name) => {
        if (typeof name !== 'string' || name === '') throw new TypeError('db.collection(name): name should be String instead of ' + typeName(name));
        return new Collection(db, name, {});
      };
      return { command: db.command, serverDate: db.serverDate, RegExp: db.RegExp, collection: db.collection };
    }

    function run(target, op, opts, extra, site) {
      opts = opts || {};
      site = site || callSite();
      const label = (target instanceof Doc ? 'document.' : 'collection.') + op;
      const desc = Object.assign({ env: null, collection: target._coll, op }, target._q, extra || {});
      desc.env = envFor('database', target._db.explicitEnv, 'cloud.database');
      // The host answers with the operation's own name ("collection.get:fail ..."), as the client does.
      const p = wr.effect('cloud.database', desc).then(decode, function (value) { throw cloudError(label, value, site); });
      return style(label, opts, p);
    }
    // A write that carries data: bad data fails locally, as on the client, before anything is sent.
    function runWithData(target, op, opts) {
      const site = callSite();
      const label = (target instanceof Doc ? 'document.' : 'collection.') + op;
      let data;
      try { data = dataOf(opts, label); } catch (e) { return localFail(label, opts || {}, {}, e, site); }
      return run(target, op, opts, { data }, site);
    }
    function dataOf(opts, label) {
      if (!opts || opts.data === undefined || opts.data === null || typeof opts.data !== 'object' || Array.isArray(opts.data)) {
        throw new TypeError(label + ': parameter.data should be Object instead of ' + typeName(opts && opts.data));
      }
      return encode(opts.data);
    }

    function Query(db, coll, q) { this._db = db; this._coll = coll; this._q = q; }
    // Chained calls return a new query (a Doc stays a Doc); the collection itself is never changed.
    function derive(self, patch) { const C = self instanceof Doc ? Doc : Query; return new C(self._db, self._coll, Object.assign({}, self._q, patch)); }
    Query.prototype.where = function (cond) {
      if (cond === null || typeof cond !== 'object' || Array.isArray(cond)) throw new TypeError('query.where(condition): condition should be Object instead of ' + typeName(cond));
      return derive(this, { where: encode(cond) });
    };
    Query.prototype.orderBy = function (fieldPath, order) {
      if (typeof fieldPath !== 'string' || fieldPath === '') throw new TypeError('query.orderBy(fieldPath, order): fieldPath should be String');
      if (order !== 'asc' && order !== 'desc') throw new TypeError('query.orderBy(fieldPath, order): order should be "asc" or "desc", got ' + String(order));
      return derive(this, { orderBy: (this._q.orderBy || []).concat([[fieldPath, order]]) });
    };
    Query.prototype.limit = function (n) {
      if (typeof n !== 'number' || !(n > 0) || Math.floor(n) !== n) throw new TypeError('query.limit(n): n should be a positive integer, got ' + String(n));
      return derive(this, { limit: n });
    };
    Query.prototype.skip = function (n) {
      if (typeof n !== 'number' || n < 0 || Math.floor(n) !== n) throw new TypeError('query.skip(n): n should be a non-negative integer, got ' + String(n));
      return derive(this, { skip: n });
    };
    Query.prototype.field = function (projection) {
      if (projection === null || typeof projection !== 'object' || Array.isArray(projection)) throw new TypeError('query.field(projection): projection should be Object');
      return derive(this, { field: encode(projection) });
    };
    Query.prototype.get = function (opts) { return run(this, 'get', opts); };
    Query.prototype.count = function (opts) { return run(this, 'count', opts); };
    Query.prototype.update = function (opts) { return runWithData(this, 'update', opts); };
    Query.prototype.remove = function (opts) { return run(this, 'remove', opts); };

    function Collection(db, coll, q) { Query.call(this, db, coll, q); }
    Collection.prototype = Object.create(Query.prototype);
    Collection.prototype.constructor = Collection;
    Object.defineProperty(Collection.prototype, 'collectionName', { get() { return this._coll; } });
    Collection.prototype.add = function (opts) { return runWithData(new Collection(this._db, this._coll, {}), 'add', opts); };
    Collection.prototype.doc = function (id) {
      if ((typeof id !== 'string' || id === '') && typeof id !== 'number') throw new TypeError('collection.doc(id): id should be String or Number instead of ' + typeName(id));
      return new Doc(this._db, this._coll, { docId: id });
    };
    Collection.prototype.aggregate = function () { throw new Error('wxreplay does not emulate collection.aggregate() yet; script a cloud function instead'); };
    Collection.prototype.watch = function () { throw new Error('wxreplay does not emulate collection.watch() (realtime push)'); };

    function Doc(db, coll, q) { this._db = db; this._coll = coll; this._q = q; }
    Doc.prototype.field = Query.prototype.field;
    Doc.prototype.get = function (opts) { return run(this, 'get', opts); };
    Doc.prototype.remove = function (opts) { return run(this, 'remove', opts); };
    Doc.prototype.set = function (opts) { return runWithData(this, 'set', opts); };
    Doc.prototype.update = function (opts) { return runWithData(this, 'update', opts); };

    // ---- AI ------------------------------------------------------------------------------------
    function asyncIterable(items) {
      return {
        [Symbol.asyncIterator]() {
          let i = 0;
          return { next: () => Promise.resolve(i < items.length ? { value: items[i++], done: false } : { value: undefined, done: true }) };
        },
      };
    }
    function aiArgs(provider, params, api) {
      if (!params || typeof params !== 'object') throw new TypeError(api + '(params): params should be Object');
      return Object.assign({ provider, env: envFor('ai', undefined, 'cloud.extend.AI') }, plain(params));
    }
    const AI = {
      createModel(provider) {
        if (typeof provider !== 'string' || provider === '') throw new TypeError('wx.cloud.extend.AI.createModel(provider): provider should be String');
        return {
          generateText(params) {
            const site = callSite();
            let args;
            try { args = aiArgs(provider, params, 'generateText'); } catch (e) { return Promise.reject(e); }
            return effect('cloud.ai.generateText', args, site);
          },
          streamText(params) {
            const site = callSite();
            let args;
            try { args = aiArgs(provider, params, 'streamText'); } catch (e) { return Promise.reject(e); }
            return effect('cloud.ai.streamText', args, site).then(function (v) {
              const chunks = v.chunks || [];
              return {
                textStream: asyncIterable(chunks.slice()),
                dataStream: asyncIterable(chunks.map((c) => ({ choices: [{ index: 0, delta: { role: 'assistant', content: c }, finish_reason: null }] }))),
                text: Promise.resolve(v.text),
                messages: Promise.resolve(v.messages),
                usage: Promise.resolve(v.usage),
              };
            });
          },
        };
      },
    };

    return {
      init,
      callFunction,
      callHTTPFunction,
      getTempFileURL,
      uploadFile,
      downloadFile,
      deleteFile,
      database,
      extend: { AI },
      DYNAMIC_CURRENT_ENV,
    };
  };
})(globalThis);
