// The skill's own credentials. tests/e2e/test_secrets.py writes its own copy of this file, with the
// address of its local service and freshly generated secrets; these stand-ins only let the skill load.
module.exports = {
  BASE: 'http://127.0.0.1:9',
  WEATHER_KEY: 'weather-key',
  CLIENT_JWT: 'client-jwt',
  PHONE: 'phone',
  MOBILE: 'mobile',
  PASSWORD: 'password',
  OPENID: 'openid',
  SIGNATURE: 'signature',
  SESSION_ID: 'session-id',
  API_KEY: 'api-key',
  CARD_NO: 'card-no',
  ID_NUMBER: 'id-number'
}
