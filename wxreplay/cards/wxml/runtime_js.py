"""The JavaScript runtime ``R`` that compiled card templates call (one per JS context).

``WXML_RUNTIME_JS`` evaluates to ``R``: ``R.m`` (forgiving member read), ``R.s`` (text of an
interpolation), ``R.each`` (wx:for), ``R.wxs`` (wxs module exports, each module run once per
context), ``R.c`` / ``R.f`` (method and function calls, only in templates compiled with
``calls="javascript"``), ``R.line`` and ``R.file`` (where a render error happened). The contract is written in
``wxreplay/cards/wxml/__init__.py``; ``compiler.py`` generates the code that calls it.
"""

WXML_RUNTIME_JS = r"""(function () {
  var cache = {};
  var hasOwn = Object.prototype.hasOwnProperty;
  function run(list, fn, out) {
    var r = fn.apply(null, list);
    for (var j = 0; j < r.length; j++) out.push(r[j]);
  }
  var R = {
    file: '',
    line: 0,
    m: function (o, k) { return o == null ? undefined : o[k]; },
    s: function (v) { return v == null ? '' : String(v); },
    // Method calls in {{ }} under wxml_calls = "javascript": o[k](...a) with its this; t is the call's text.
    c: function (o, k, a, t) {
      var f = o == null ? undefined : o[k];
      if (typeof f === 'function') return f.apply(o, a);
      var why = o == null ? 'cannot call ' + String(k) + ' of ' + o : String(k) + ' is not a function';
      throw new TypeError('{{' + t + '}}: ' + why);
    },
    f: function (fn, a, t) {
      if (typeof fn === 'function') return fn.apply(undefined, a);
      throw new TypeError('{{' + t + '}}: ' + (fn === undefined ? 'undefined' : typeof fn) + ' is not a function');
    },
    each: function (list, fn) {
      var out = [], i, n, keys;
      if (list == null) return out;
      if (Array.isArray(list)) {
        for (i = 0; i < list.length; i++) run([list[i], i], fn, out);
      } else if (typeof list === 'string') {
        keys = Array.from(list);
        for (i = 0; i < keys.length; i++) run([keys[i], i], fn, out);
      } else if (typeof list === 'number') {
        for (i = 0; i < list; i++) run([i, i], fn, out);
      } else if (typeof list === 'object') {
        keys = Object.keys(list);
        for (i = 0, n = keys.length; i < n; i++) run([list[keys[i]], keys[i]], fn, out);
      }
      return out;
    },
    wxs: function (W, id) {
      if (hasOwn.call(cache, id)) return cache[id].exports;
      var def = W[id];
      if (!def) throw new Error('wxs module ' + id + ' is not defined');
      var module = { exports: {} };
      cache[id] = module;
      try {
        def.f.call(module.exports, module, module.exports, function (p) {
          if (!hasOwn.call(def.r, p)) throw new Error('wxs require: ' + p + ' not found from ' + id);
          return R.wxs(W, def.r[p]);
        });
      } catch (e) {
        delete cache[id];
        throw e;
      }
      return module.exports;
    }
  };
  return R;
})()"""
