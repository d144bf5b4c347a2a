// Skill-wide constants. The only file that knows where the third-party service lives.
// In production BASE_URL must be an HTTPS domain registered in the admin console;
// the local sandbox (service/westore_service.py) listens on 127.0.0.1:8765.
const BASE_URL = 'http://127.0.0.1:8765'

module.exports = {
  BASE_URL,
  REQUEST_TIMEOUT: 10000,
  STORAGE_KEYS: {
    token: 'westore:token',
    menu: 'westore:menu:v1',
    orders: 'westore:orders:v1'
  },
  // Realtime order-status card: where it polls and how often (ms).
  STORE_STATUS_PATH: '/api/stores/1/status',
  POLL_INTERVAL: 5000,
  // Payment result confirmation: at most this many status queries, one second apart.
  PAY_QUERY_TRIES: 3,
  // Absolute component path (subpackage prefix included) used with expireAllCards.
  ORDER_CONFIRM_CARD: 'skills/coffee/components/order-confirm/index'
}
