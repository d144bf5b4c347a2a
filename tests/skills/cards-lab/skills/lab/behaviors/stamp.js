// A Behavior shared by cards: its data, methods and lifetimes merge into the component.
module.exports = Behavior({
  data: { stamp: 'B' },
  lifetimes: {
    created () {
      (this._order = this._order || []).push('behavior created')
    }
  },
  methods: {
    stampText () {
      return 'stamp:' + this.data.stamp
    }
  }
})
