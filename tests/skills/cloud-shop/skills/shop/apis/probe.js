// Diagnostics API of the test shop: one case per database / cloud feature, so the harness's
// unit tests can check each behaviour through a real skill call.
const { db, _, text } = require('../utils/db')

const products = () => db.collection('products')
const ids = (res) => res.data.map((d) => d._id)
const caught = (p) => p.then((res) => ({ res }), (error) => ({ error }))

const WHERE = {
  eq: () => ({ category: _.eq('tea') }),
  neq: () => ({ category: _.neq('coffee') }),
  gt: () => ({ price: _.gt(28) }),
  gte: () => ({ price: _.gte(28) }),
  lt: () => ({ price: _.lt(22) }),
  lte: () => ({ price: _.lte(22) }),
  in: () => ({ name: _.in(['Latte', 'Americano', 'Mocha']) }),
  nin: () => ({ price: _.nin([28, 22]) }),
  existsTrue: () => ({ discount: _.exists(true) }),
  existsFalse: () => ({ discount: _.exists(false) }),
  andChain: () => ({ price: _.gt(20).and(_.lt(30)) }),
  andTop: () => _.and([{ category: 'coffee' }, { price: _.gt(25) }]),
  orTop: () => _.or([{ category: 'tea' }, { price: _.gt(30) }]),
  orField: () => ({ price: _.lt(20).or(_.gt(30)) }),
  regexp: () => ({ name: db.RegExp({ regexp: 'latte', options: 'i' }) }),
  jsRegExp: () => ({ name: /^L/ }),
  nested: () => ({ spec: { size: 'M' } }),
  dotted: () => ({ 'spec.size': 'M' }),
  arrayContains: () => ({ tags: 'milk' }),
  plain: () => ({ category: 'coffee', stock: 0 })
}

const CASES = {
  async where ({ name }) { return { ids: ids(await products().where(WHERE[name]()).orderBy('_id', 'asc').get()) } },
  async page ({ order, skip, limit }) {
    let q = products()
    for (const [f, d] of order) q = q.orderBy(f, d)
    if (skip !== undefined) q = q.skip(skip)
    if (limit !== undefined) q = q.limit(limit)
    return { ids: ids(await q.get()) }
  },
  async field ({ projection }) { return { data: (await products().where({ _id: 'p1' }).field(projection).get()).data } },
  async count ({ where }) { return await products().where(WHERE[where]()).count() },
  async docGet ({ id }) { return await caught(products().doc(id).get()) },
  async docSet ({ id, data }) {
    const res = await products().doc(id).set({ data })
    return { res, doc: (await products().doc(id).get()).data }
  },
  async docUpdate ({ id, data }) {
    const res = await products().doc(id).update({ data })
    return { res, doc: (await products().doc(id).get()).data }
  },
  async docRemove ({ id }) {
    const res = await products().doc(id).remove()
    return { res, total: (await products().count()).total }
  },
  async whereUpdate () {
    const res = await products().where({ category: 'tea' }).update({ data: { onSale: true } })
    return { res, ids: ids(await products().where({ onSale: true }).get()) }
  },
  async whereRemove () {
    const res = await products().where({ stock: _.lte(3) }).remove()
    return { res, ids: ids(await products().orderBy('_id', 'asc').get()) }
  },
  async updateOps () {
    await products().doc('p1').update({
      data: {
        stock: _.inc(5),
        spec: { size: 'L' },
        tags: _.push(['iced', 'new']),
        'spec.sugar': _.remove(),
        meta: _.set({ a: 1 }),
        reviews: _.push('good')
      }
    })
    return { doc: (await products().doc('p1').get()).data }
  },
  async serverDate () {
    const notes = db.collection('notes')
    const a = await notes.add({ data: { text: 'now', at: db.serverDate() } })
    const b = await notes.add({ data: { text: 'later', at: db.serverDate({ offset: 60000 }), when: new Date(0) } })
    const doc = (await notes.doc(b._id).get()).data
    const due = await notes.where({ at: _.lte(db.serverDate()) }).get()
    return { isDate: doc.at instanceof Date, at: doc.at.getTime(), when: doc.when.getTime(), now: Date.now(), due: due.data.map((d) => d.text), openid: doc._openid, ids: [a._id, b._id] }
  },
  async addMany ({ n }) {
    const out = []
    for (let i = 0; i < n; i++) out.push((await db.collection('notes').add({ data: { i } }))._id)
    return { ids: out }
  },
  async limitOver () { return { n: (await products().limit(50).get()).data.length, dflt: 0 } },
  async missingCollection () { return await caught(db.collection('nope').get()) },
  async badWhere () { return await caught(products().where({ price: _.inc(1) }).get()) },
  async callbackGet () {
    return await new Promise((resolve) => {
      const ret = products().where({ category: 'tea' }).get({
        success: (res) => resolve({ ids: ids(res), ret: typeof ret, errMsg: res.errMsg })
      })
    })
  },
  async callPromise ({ name, data }) { return await caught(wx.cloud.callFunction({ name, data })) },
  async callCallback ({ name, data }) {
    return await new Promise((resolve) => {
      const seen = []
      const ret = wx.cloud.callFunction({
        name,
        data,
        success: (res) => seen.push(['success', res]),
        fail: (err) => seen.push(['fail', err]),
        complete: () => resolve({ seen, ret: typeof ret })
      })
    })
  },
  async callNoName () { return await caught(wx.cloud.callFunction({ data: {} })) },
  async http ({ name }) { return await caught(wx.cloud.callHTTPFunction({ name, path: '/items', method: 'post', data: { q: 1 } })) },
  async files ({ fileID }) {
    const up = await wx.cloud.uploadFile({ cloudPath: 'avatars/u1.png', filePath: 'wxfile://tmp/u1.png' })
    const down = await wx.cloud.downloadFile({ fileID: up.fileID })
    const missing = await caught(wx.cloud.downloadFile({ fileID }))
    const del = await wx.cloud.deleteFile({ fileList: [up.fileID, fileID] })
    return { up, down, missing, del }
  },
  async typeofCloud () { return { cloud: typeof wx.cloud, db: typeof wx.cloud.database, ai: typeof wx.cloud.extend.AI.createModel } }
}

async function probe ({ case: name, params = {} }) {
  const out = await CASES[name](params)
  return { content: text(name), structuredContent: { out } }
}

// Registered without the skill's middleware: no wx.cloud.init ran before it.
async function probeNoInit () {
  const res = await db.collection('products').where({ category: 'tea' }).count()
  return { content: text('total ' + res.total), structuredContent: { total: res.total } }
}

module.exports = { probe, probeNoInit }
