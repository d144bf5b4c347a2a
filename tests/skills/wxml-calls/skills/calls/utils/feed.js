// The posts every card shows; `saved` picks the ids the user has starred (default: p2).
const POSTS = [
  { id: 'p1', date: '2026-03-14', title: '春季新品', price: 18, score: 87.6, tags: ['新品', '限定', '热饮'] },
  { id: 'p2', date: '2026-03-20', title: '会员日', price: 9.9, score: 42.2, tags: ['会员'] }
]

exports.result = function (saved) {
  const ids = Array.isArray(saved) ? saved : ['p2']
  return {
    isError: false,
    content: [{ type: 'text', text: `共 ${POSTS.length} 条动态，已收藏 ${ids.length} 条。` }],
    structuredContent: { posts: POSTS, saved: ids, updated: '2026-03-21T08:30:00+08:00' }
  }
}
