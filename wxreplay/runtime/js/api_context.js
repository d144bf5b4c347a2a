// The atomic API context: wx.modelContext registration, the Koa-style middleware onion, and the
// starters Python uses to load the skill's index.js and to call an API.
(function (global) {
  'use strict';
  const wr = global.__wr;
  const registry = new Map(); // name -> { fn, skill }
  let loadError = null;

  const NotificationType = Object.freeze({ Input: 'input', Result: 'result', Overflow: 'overflow', Expire: 'expire' });

  function register(name, fn, skill) {
    if (typeof name !== 'string' || name === '') throw new TypeError('registerAPI(name, handler): name must be a non-empty string');
    if (wr.map.has(registry, name)) wr.finding('duplicate-registration', 'registerAPI("' + name + '") was called twice; the later handler wins', { apiName: name });
    wr.map.set(registry, name, { fn, skill });
    wr.event('modelContext.registerAPI', { name, viaSkill: !!skill, handlerType: typeof fn }, null);
  }

  function createSkill(path) {
    const cfg = wr.cfg();
    if (path !== cfg.skillPath) {
      if (cfg.standalone) {
        // Run as a skill directory: no app.json lists the skill, so there is no agent.skills[].path to name.
        wr.finding('createSkill-path', 'createSkill("' + path + '") differs from "' + cfg.skillPath + '", the path of this skill directory (its parent folder and its own name: no app.json lists the skill); on the device createSkill() must get the skill\'s agent.skills[].path in the app.json that ships it: rename the folder or change the argument so they agree', { level: 'warning' });
      } else {
        wr.finding('createSkill-path', 'createSkill("' + path + '") differs from app.json agent.skills[].path "' + cfg.skillPath + '"; the platform requires them to be equal', { level: 'error' });
      }
    }
    const skill = { path, middlewares: [] };
    const api = {
      use(mw) {
        if (typeof mw !== 'function') throw new TypeError('skill.use(middleware) expects an async function (ctx, next), got ' + typeof mw);
        skill.middlewares.push(mw);
        return api;
      },
      registerAPI(name, fn) { register(name, fn, skill); return api; },
    };
    return api;
  }

  wr.buildModelContext = function () {
    const cfg = wr.cfg();
    return {
      createSkill,
      registerAPI(name, fn) { register(name, fn, null); },
      getSessionId() { return cfg.sessionId; },
      NotificationType,
      expireAllCards(opts) { wr.event('modelContext.expireAllCards', wr.clone(opts || {}), null); },
    };
  };

  function notAFunction(name, fn) {
    const kind = fn === null ? 'null' : typeof fn;
    const e = new TypeError('registerAPI("' + name + '", handler): the handler is ' + (kind === 'object' ? 'a module object, not a function' : kind) +
      (kind === 'object' ? ' (module.exports = { fn } pairs with a destructured require: const { fn } = require(...))' : ''));
    e.__wrCode = 'handler-not-function';
    return e;
  }

  // Koa's compose, plus the platform's habit that a middleware returning a result object
  // (e.g. after catching the handler's error) supplies the call's result.
  function runChain(name, args) {
    const reg = wr.map.get(registry, name);
    if (!reg) {
      const e = new Error('API "' + name + '" is not registered by index.js');
      e.__wrCode = 'not-registered';
      throw e;
    }
    if (typeof reg.fn !== 'function') throw notAFunction(name, reg.fn);
    const mws = reg.skill ? reg.skill.middlewares.slice() : [];
    const ctx = { name, skillPath: reg.skill ? reg.skill.path : wr.cfg().skillPath, arguments: wr.clone(args) };
    let index = -1;
    function dispatch(i) {
      if (i <= index) return Promise.reject(new Error('next() called multiple times in a middleware of "' + name + '"'));
      index = i;
      try {
        if (i === mws.length) {
          return wr.promiseThen(wr.promiseResolve(reg.fn(wr.clone(args))), (r) => { ctx.result = r; return r; });
        }
        return wr.promiseThen(wr.promiseResolve(mws[i](ctx, () => dispatch(i + 1))), (ret) => {
          if (ret !== null && typeof ret === 'object') ctx.result = ret;
          return ctx.result;
        });
      } catch (e) {
        return Promise.reject(e);
      }
    }
    return dispatch(0);
  }

  function serialiseResult(result) {
    if (result !== null && typeof result === 'object' && typeof result.handoff === 'function') {
      // Lazy handoff ([GEN]): the platform resolves it when the user taps; wxreplay resolves it now
      // so the transcript shows what the page would receive.
      const resolver = result.handoff;
      let resolved;
      try { resolved = resolver({ result }); } catch (e) {
        // A throw here is the skill's bug, not an unserialisable result: keep it a JSError.
        if (e instanceof Error) e.__wrCode = 'handoff-resolver';
        throw e;
      }
      result = Object.assign({}, result, { handoff: Object.assign({}, resolved, { __lazy: true }) });
    }
    const json = wr.bridgeJson(result === undefined ? null : result);
    return json === undefined ? 'null' : json;
  }

  wr.starters.call = function (s) {
    wr.track(s.id, runChain(s.api, s.args), serialiseResult);
  };
  wr.starters.load = function (s) {
    const p = wr.promiseThen(wr.promiseResolve(), () => {
      const exp = wr.require(s.entry);
      // [INT]'s `module.exports = { getWeather }` in index.js registers nothing on the client: report it.
      const exported = exp && typeof exp === 'object' ? Object.keys(exp).filter((k) => typeof exp[k] === 'function') : [];
      const registered = [];
      wr.map.forEach(registry, (v, k) => { wr.push(registered, k); });
      return { registered, exported };
    });
    wr.track(s.id, p);
  };
  wr.registered = () => Array.from(registry.keys());
  wr.loadError = () => loadError;
})(globalThis);
