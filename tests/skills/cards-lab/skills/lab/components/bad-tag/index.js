Component({ data: {} })
