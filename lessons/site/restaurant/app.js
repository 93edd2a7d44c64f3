// The Copper Pot's front end: plain JavaScript, no build step, no libraries.
// Everything it shows comes from the routes written in Kitchen:
//   GET /menu      -> [{"id", "name", "price"}, ...]
//   POST /orders   -> 201 {"id", "table_no", "item_id", "qty", "status"}, or 422 {"error", "fields": {...}}
//   POST /login    -> 200 {"token", "user_id"}, or 401 / 422
//   GET /me        -> the logged-in user {"id", "name", "email"} (or a one-row array of it)
'use strict'

const dishes = new Map()   // id -> dish, for naming the dish in the order confirmation
let token = null           // the session token from POST /login, kept in memory only

// Sends a request and reads the JSON answer (if any) without ever throwing on a status.
async function call(method, path, body, headers = {}) {
  const options = {method, headers: {Accept: 'application/json', ...headers}}
  if (body !== undefined) {
    options.headers['Content-Type'] = 'application/json'
    options.body = JSON.stringify(body)
  }
  let response
  try {
    response = await fetch(path, options)
  } catch (error) {
    return {status: 0, data: {error: 'the server cannot be reached; is Kitchen running?'}}
  }
  let data = null
  const text = await response.text()
  if (text) {
    try { data = JSON.parse(text) } catch (error) { data = {error: text} }
  }
  return {status: response.status, data}
}

function message(result) {
  return (result.data && result.data.error) || `the server answered ${result.status}`
}

function formatPrice(price) {
  return typeof price === 'number' ? price.toFixed(2) : String(price)
}

// --- The menu -------------------------------------------------------------------------------

async function loadMenu() {
  const status = document.getElementById('menu-status')
  const list = document.getElementById('menu')
  const select = document.getElementById('item-id')
  const result = await call('GET', '/menu')
  if (result.status !== 200 || !Array.isArray(result.data)) {
    status.textContent = result.status === 404
      ? 'The kitchen has no GET /menu route yet. Write it at the Kitchen prompt, then reload this page.'
      : `The menu could not be loaded: ${message(result)}.`
    return
  }
  list.replaceChildren()
  for (const dish of result.data) {
    dishes.set(dish.id, dish)
    const item = document.createElement('li')
    item.dataset.id = dish.id
    const name = document.createElement('span')
    name.className = 'dish-name'
    name.textContent = dish.name
    const price = document.createElement('span')
    price.className = 'dish-price'
    price.textContent = formatPrice(dish.price)
    item.append(name, price)
    list.append(item)

    const option = document.createElement('option')
    option.value = dish.id
    option.textContent = `${dish.name} (${formatPrice(dish.price)})`
    select.append(option)
  }
  status.textContent = result.data.length === 1 ? '1 dish today.' : `${result.data.length} dishes today.`
}

// --- Forms: reading values and showing the server's field errors -----------------------------

// A number when the field holds one, the raw text when it does not (the server says what is
// wrong with it), and left out when empty (the server says it is required).
function readField(form, name, numeric) {
  const raw = form.elements[name].value.trim()
  if (raw === '') return undefined
  if (numeric && /^-?\d+(\.\d+)?$/.test(raw)) return Number(raw)
  return raw
}

function clearErrors(form) {
  for (const span of form.querySelectorAll('.error')) span.textContent = ''
  for (const field of form.querySelectorAll('[aria-invalid]')) field.removeAttribute('aria-invalid')
}

// 422 answers list every failing field: {"fields": {"table_no": "must be between 1 and 12"}}.
function showFieldErrors(form, fields) {
  let first = null
  for (const [name, problem] of Object.entries(fields || {})) {
    const span = document.getElementById(`error-${name}`)
    const field = form.elements[name]
    if (span) span.textContent = `${name.replace('_', ' ')} ${problem}`
    if (field) {
      field.setAttribute('aria-invalid', 'true')
      first = first || field
    }
  }
  if (first) first.focus()
}

// --- Orders ---------------------------------------------------------------------------------

async function placeOrder(event) {
  event.preventDefault()
  const form = event.currentTarget
  const output = document.getElementById('order-result')
  clearErrors(form)
  output.textContent = 'Sending your order…'
  const order = {}
  for (const name of ['table_no', 'item_id', 'qty']) {
    const value = readField(form, name, true)
    if (value !== undefined) order[name] = value
  }
  const result = await call('POST', '/orders', order)
  if (result.status === 201 && result.data) {
    const dish = dishes.get(result.data.item_id)
    const what = dish ? dish.name : `dish ${result.data.item_id}`
    output.textContent = `Order ${result.data.id} placed: ${result.data.qty} × ${what} for table ${result.data.table_no}.`
    output.className = 'ok'
  } else if (result.status === 422 && result.data && result.data.fields) {
    showFieldErrors(form, result.data.fields)
    output.textContent = 'Please correct the marked fields.'
    output.className = 'problem'
  } else if (result.status === 404 || result.status === 405) {
    output.textContent = 'The kitchen has no POST /orders route yet. Write it at the Kitchen prompt.'
    output.className = 'problem'
  } else {
    output.textContent = `The order was not placed: ${message(result)} (${result.status}).`
    output.className = 'problem'
  }
}

// --- Login ----------------------------------------------------------------------------------

async function logIn(event) {
  event.preventDefault()
  const form = event.currentTarget
  const output = document.getElementById('login-result')
  const greeting = document.getElementById('greeting')
  clearErrors(form)
  output.className = ''
  output.textContent = 'Checking…'
  const credentials = {}
  for (const name of ['email', 'password']) {
    const value = readField(form, name, false)
    if (value !== undefined) credentials[name] = value
  }
  const login = await call('POST', '/login', credentials)
  if (login.status === 422 && login.data && login.data.fields) {
    showFieldErrors(form, login.data.fields)
    output.textContent = 'Please correct the marked fields.'
    output.className = 'problem'
    return
  }
  if (login.status === 401) {
    output.textContent = 'Wrong email or password.'
    output.className = 'problem'
    return
  }
  if (login.status !== 200 || !login.data || !login.data.token) {
    output.textContent = login.status === 404 || login.status === 405
      ? 'The kitchen has no POST /login route yet. Write it at the Kitchen prompt.'
      : `Logging in failed: ${message(login)} (${login.status}).`
    output.className = 'problem'
    return
  }
  token = login.data.token
  form.elements.password.value = ''
  const me = await call('GET', '/me', undefined, {Authorization: `Bearer ${token}`})
  const user = Array.isArray(me.data) ? me.data[0] : me.data
  if (me.status === 200 && user && user.name) {
    greeting.textContent = `Hello, ${user.name}!`
    output.textContent = `Logged in as ${user.email || user.name}.`
    output.className = 'ok'
  } else {
    output.textContent = me.status === 404 || me.status === 405
      ? 'Logged in, but the kitchen has no GET /me route yet to say who you are.'
      : `Logged in, but GET /me answered ${me.status}: ${message(me)}.`
    output.className = 'problem'
  }
}

document.getElementById('order-form').addEventListener('submit', placeOrder)
document.getElementById('login-form').addEventListener('submit', logIn)
loadMenu()
