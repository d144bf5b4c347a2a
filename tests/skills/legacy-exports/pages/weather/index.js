Page({ onLoad (query) { this.setData({ city: query.city }) } })
