// CommonJS as the WeChat client has it: relative requires with or without `.js`, folder
// `index.js`, JSON files, a module cache per context, cycles tolerated (the partial exports are
// returned), and no way out of the independent subpackage root.
(function (global) {
  'use strict';
  const wr = global.__wr;
  // Captured before skill code runs: a skill replacing these must not change what require reads.
  const jsonParse = JSON.parse;
  const strSlice = String.prototype.slice;
  const strIndexOf = String.prototype.indexOf;
  const ReflectApply = Reflect.apply;
  const objHasOwn = Object.prototype.hasOwnProperty;
  const hasOwn = (o, k) => ReflectApply(objHasOwn, o, [k]);
  // The subpackage's sources (project/source_bundle.py): every file's text as a JSON string literal, one
  // after another in `bundle`; `spans` maps a path to its literal's [start, end] (the bundle's first
  // line). A file is decoded on its first require: the others are never scanned.
  let bundle = '';
  let spans = Object.create(null);
  let texts = Object.create(null);
  let inbox = null;       // where Python puts the next bundle (V8Isolate.put_text), read by defineModules
  const cache = Object.create(null);
  let root = '';          // subpackage root, e.g. "skills" ("" = no boundary below the project)
  let skillDir = '';      // e.g. "skills/coffee"

  wr.sourceInbox = function () { inbox = Object.create(null); return inbox; };
  // Without `bundle` the sources defined before stay (a context made ahead got them: runtime/pool.py).
  wr.defineModules = function (spec) {
    if (spec.bundle) {
      const text = inbox.text;
      const newline = ReflectApply(strIndexOf, text, ['\n']);
      spans = jsonParse(ReflectApply(strSlice, text, [0, newline]));
      bundle = ReflectApply(strSlice, text, [newline + 1]);
      inbox = null;
      texts = Object.create(null);
    }
    root = spec.root;
    skillDir = spec.skillDir;
  };

  function defined(path) { return hasOwn(spans, path); }
  function sourceOf(path) {
    let text = texts[path];
    if (text === undefined) {
      if (!defined(path)) throw notDefined(path, path);
      const span = spans[path];
      text = jsonParse(ReflectApply(strSlice, bundle, [span[0], span[1]]));
      texts[path] = text;
    }
    return text;
  }

  function normalise(parts) {
    const out = [];
    for (const p of parts) {
      if (p === '' || p === '.') continue;
      if (p === '..') { if (out.length === 0) return null; out.pop(); } else out.push(p);
    }
    return out.join('/');
  }
  function dirname(p) { const i = p.lastIndexOf('/'); return i < 0 ? '' : p.slice(0, i); }
  function inside(p) { return root === '' || p === root || p.startsWith(root + '/'); }

  function candidates(base) {
    return [base, base + '.js', base + '.json', base + '/index.js', base + '/index.json'];
  }

  function notDefined(target, request, why) {
    const e = new Error('module "' + target + '" is not defined, require args is \'' + request + '\'' + (why ? ' (' + why + ')' : ''));
    e.__wrCode = 'module-not-found';
    return e;
  }

  function resolve(fromFile, request) {
    if (typeof request !== 'string' || request === '') throw new TypeError('require() expects a module path string');
    if (request.startsWith('@/')) throw notDefined(request, request, '"@/" aliases are a bundler feature; independent subpackages must use relative paths');
    let joined;
    if (request.startsWith('/')) joined = normalise(request.split('/'));
    else joined = normalise(dirname(fromFile).split('/').concat(request.split('/')));
    if (joined === null) throw notDefined(request, request, 'the path climbs above the project root');
    if (!inside(joined)) {
      throw notDefined(joined, request, 'it resolves outside the independent subpackage root "' + root +
        '/"; this fails on the device too: the subpackage is loaded on its own, without the main package\'s files, ' +
        'so a skill may only require files inside it: copy the file into ' + root + '/_shared/ and require it from there');
    }
    for (const c of candidates(joined)) if (defined(c)) return c;
    // Bare names may also live in the subpackage's miniprogram_npm folder.
    if (!request.startsWith('.') && !request.startsWith('/')) {
      const npm = normalise((root ? root + '/' : '') + 'miniprogram_npm/' + request);
      if (npm !== null) for (const c of candidates(npm)) if (defined(c)) return c;
    }
    throw notDefined(joined.endsWith('.js') || joined.endsWith('.json') ? joined : joined + '.js', request);
  }

  function compile(path) {
    const src = sourceOf(path);
    // The wrapper keeps the module's first line on line 1 so V8's positions are the file's own.
    const code = '(function (exports, require, module, __filename, __dirname) {' + src + '\n})\n//# sourceURL=' + path;
    try {
      return wr.compileScript(code);
    } catch (e) {
      if (e && e.__wrCode === 'intrinsic') {
        // Located here, never by re-compiling the source from Python (that would run a wrapper escape).
        e.__wrFile = path;
        e.__wrLine = e.__wrLineInSource;
        throw e;
      }
      if (e instanceof SyntaxError) {
        const err = new SyntaxError(e.message + ' in ' + path);
        err.__wrSyntaxFile = path;
        throw err;
      }
      throw e;
    }
  }

  function load(path) {
    const cached = cache[path];
    if (cached) return cached.exports;
    const module = { id: path, filename: path, exports: {}, loaded: false, children: [] };
    if (path.endsWith('.json')) {
      try { module.exports = JSON.parse(sourceOf(path)); } catch (e) { throw new SyntaxError(path + ': ' + e.message); }
      module.loaded = true;
      cache[path] = module;
      return module.exports;
    }
    const fn = compile(path);
    cache[path] = module; // before running it: a require cycle sees the partial exports
    const req = makeRequire(path);
    try {
      fn.call(module.exports, module.exports, req, module, '/' + path, '/' + dirname(path));
    } catch (e) {
      delete cache[path];
      throw e;
    }
    module.loaded = true;
    return module.exports;
  }

  function makeRequire(fromFile) {
    function require(request) { return load(resolve(fromFile, request)); }
    require.resolve = (request) => resolve(fromFile, request);
    return require;
  }
  wr.require = function (path) { return load(path); };
  wr.makeRequire = makeRequire;
  wr.moduleLoaded = (path) => !!cache[path];
  wr.skillDir = () => skillDir;
})(globalThis);
