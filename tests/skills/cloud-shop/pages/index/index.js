Page({ data: { products: [] } })
