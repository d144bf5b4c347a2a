// Retries an async function with setTimeout between attempts (on the session's virtual clock).
function sleep (ms) {
  return new Promise(function (resolve) { setTimeout(resolve, ms) })
}

async function withRetry (fn, attempts, delayMs) {
  let lastError = null
  for (let i = 1; i <= attempts; i++) {
    try {
      return { value: await fn(i), attempts: i }
    } catch (e) {
      lastError = e
      console.warn('[ai-mode] attempt ' + i + ' failed: ' + e.message)
      if (i < attempts) await sleep(delayMs)
    }
  }
  throw lastError
}

module.exports = { withRetry, sleep }
