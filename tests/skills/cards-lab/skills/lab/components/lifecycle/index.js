// Lifetimes (top-level and lifetimes: forms), a Behavior, properties, observers, setData path
// keys and callbacks, Input/Result through both context objects, getDimensions, this.is.
const stamp = require('../../behaviors/stamp')
const { price } = require('../../utils/fmt')

Component({
  behaviors: [stamp],
  options: { multipleSlots: false },
  properties: { title: { type: String, value: '生命周期' }, size: Number },
  data: {
    order: [],
    seen: [],
    count: 0,
    user: { name: '', tags: [] },
    list: [{ done: false }, { done: false }],
    matrix: [[0, 0], [0, 0]],
    callbacks: 0,
    total: '',
    dims: '',
    is: '',
    args: ''
  },
  observers: {
    count (count) { this._see('count=' + count) },
    'user.name' (name) { this._see('user.name=' + name) },
    'list[1].done' (done) { this._see('list[1].done=' + done) },
    'user.**' (user) { this._see('user.**=' + JSON.stringify(user)) },
    'count, user.name' (c, n) { this._see('pair=' + c + '/' + n) },
    '**' () { this._all = (this._all || 0) + 1 }
  },
  pageLifetimes: { show () { this._see('page show (never in a card)') } },
  created () {
    this._order.push('created')
    this._seenList = []
    const { NotificationType } = wx.modelContext
    wx.modelContext.getContext(this).on(NotificationType.Input, (d) => {
      this._order.push('input ' + JSON.stringify(d))
    })
    wx.modelContext.getContext(this).on(NotificationType.Result, (d) => {
      this._order.push('result via getContext: ' + Object.keys(d.result).sort().join(','))
      this._sc = d.result.structuredContent
    })
    wx.modelContext.getViewContext(this).on(NotificationType.Result, (d) => {
      this._order.push('result via getViewContext: ' + d.result.structuredContent.label)
    })
  },
  lifetimes: {
    attached () {
      this._order.push('attached')
      const dims = wx.modelContext.getViewContext(this).getDimensions()
      this.setData({ dims: dims.width + 'x' + dims.minHeight + '-' + dims.maxHeight, is: this.is })
    }
  },
  ready () {
    this._order.push('ready')
    this.setData({ order: this._order.slice(), total: price(this._sc.amount || 0) + ' ' + this.stampText() })
  },
  methods: {
    _see (what) { this._seenList.push(what) },
    onBump () {
      this.setData({
        count: this.data.count + 1,
        'user.name': 'Ann',
        'user.tags[1]': 'vip',
        'list[1].done': true,
        'matrix[1][0]': 7
      }, () => {
        this.setData({ callbacks: this.data.callbacks + 1, seen: this._seenList.slice() })
      })
    },
    onAll () {
      this.setData({ seen: ['** fired ' + this._all + ' times'] })
    }
  }
})
