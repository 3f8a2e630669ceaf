// Ward console: plain JavaScript, no dependencies. Everything it shows
// comes from the admin API (/guards, /status, /swaps) and the console's
// own endpoints (/console/api/*); every action is an admin API call made
// with the session cookie and the X-Ward-Console header.
'use strict';

const $ = (sel, root = document) => root.querySelector(sel);
const WINDOW = 899; // seconds of history the overview keeps

const state = {
  view: 'overview',
  span: 300, // seconds the charts show
  series: new Map(), // unix second -> Second
  decisions: [],
  latestDecision: -1,
  selected: null, // request id shown in the verdict chain
  guards: null,
  events: null,
  timers: [],
};

// --- helpers ---------------------------------------------------------------

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function fmtNum(n, digits = 0) {
  if (n === undefined || n === null || Number.isNaN(n)) return '–';
  return Number(n).toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function fmtUs(us) {
  if (!us) return '0';
  if (us >= 1000) return fmtNum(us / 1000, 1) + ' ms';
  return fmtNum(us, us < 10 ? 1 : 0) + ' µs';
}

function fmtMs(ms) {
  if (!ms) return '–';
  if (ms >= 1000) return fmtNum(ms / 1000, 2) + ' s';
  return fmtNum(ms, ms < 10 ? 2 : 0) + ' ms';
}

function fmtTime(t) {
  if (!t) return '–';
  const d = typeof t === 'number' ? new Date(t) : new Date(t);
  if (Number.isNaN(d.getTime()) || d.getFullYear() < 2000) return '–';
  return d.toLocaleTimeString('en-GB', { hour12: false }) + ' ' + d.toISOString().slice(0, 10);
}

function tag(text, cls) { return el('span', { class: 'tag ' + (cls || text), text }); }

class HTTPError extends Error {
  constructor(status, body) {
    super((body && body.error) || 'HTTP ' + status);
    this.status = status;
    this.body = body;
  }
}

// api calls the admin API with the session cookie. A 401 ends the session
// in the page.
async function api(path, opts = {}) {
  const init = { method: opts.method || 'GET', credentials: 'same-origin', headers: { 'X-Ward-Console': '1' } };
  if (opts.body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(opts.body);
  }
  const res = await fetch(path, init);
  let body = null;
  const text = await res.text();
  try { body = text ? JSON.parse(text) : null; } catch { body = { error: text.trim() }; }
  if (res.status === 401 && !opts.login) {
    showLogin('Your session ended; log in again.');
  }
  if (!res.ok) throw new HTTPError(res.status, body);
  return body;
}

// --- login -----------------------------------------------------------------

const auth = { token: true, operators: false, mode: 'token' };

async function showLogin(msg) {
  stopLive();
  $('#login').hidden = false;
  $('#nav').hidden = true;
  $('#who').hidden = true;
  for (const v of document.querySelectorAll('[role=tabpanel]')) v.hidden = true;
  try {
    Object.assign(auth, await api('/console/api/auth', { login: true }));
  } catch { /* keep the defaults: the token form */ }
  // Operators (named, with MFA) first; the token form is one click away.
  auth.mode = auth.operators ? 'operator' : 'token';
  drawLogin();
  const err = auth.mode === 'token' ? $('#login-error') : $('#op-error');
  $('#login-error').textContent = '';
  $('#op-error').textContent = '';
  err.textContent = msg || '';
}

// drawLogin shows the form of auth.mode, and the switch to the other one
// when both are allowed.
function drawLogin() {
  const op = auth.mode === 'operator';
  $('#op-form').hidden = !op;
  $('#login-form').hidden = op;
  const both = auth.token && auth.operators;
  $('#login-switch').hidden = !both;
  $('#login-switch').textContent = op ? 'Log in with the admin token instead' : 'Log in as an operator instead';
  $('#login-note').textContent = !auth.token && auth.operators ? 'Only operators log in here: the admin token is not accepted by the console.' : '';
  (op ? $('#op-name') : $('#token')).focus();
}

async function login(ev) {
  ev.preventDefault();
  const input = $('#token');
  $('#login-error').textContent = '';
  try {
    await api('/console/api/login', { method: 'POST', body: { token: input.value }, login: true });
    input.value = '';
    start();
  } catch (e) {
    input.select();
    $('#login-error').textContent = e.status === 401 ? 'Wrong admin token.'
      : e.status === 429 ? 'Too many failed attempts; wait a minute.' : 'Login failed: ' + e.message;
  }
}

async function opLogin(ev) {
  ev.preventDefault();
  $('#op-error').textContent = '';
  const body = { operator: $('#op-name').value.trim(), password: $('#op-password').value, totp: $('#op-code').value.trim() };
  try {
    await api('/console/api/login', { method: 'POST', body, login: true });
    $('#op-password').value = '';
    $('#op-code').value = '';
    start();
  } catch (e) {
    $('#op-code').value = '';
    $('#op-password').select();
    $('#op-error').textContent = e.status === 401 ? 'Wrong operator, password or code (a code works once).'
      : e.status === 429 ? 'Too many failed attempts; wait a few minutes.' : 'Login failed: ' + e.message;
  }
}

async function logout() {
  try { await api('/console/api/logout', { method: 'POST', login: true }); } catch { /* the session is gone either way */ }
  showLogin('Logged out.');
}

async function start() {
  $('#login').hidden = true;
  $('#nav').hidden = false;
  $('#who').hidden = false;
  try {
    state.session = await api('/console/api/session');
  } catch { return; }
  const s = state.session;
  $('#operator-name').textContent = s.admin ? 'admin token' : s.operator || '';
  // Operators enrol their own authenticator; the admin resets one's.
  $('#btn-enrol').hidden = !(s.operators && s.operator && s.operator !== 'loopback');
  $('#btn-enrol').textContent = s.admin ? 'Reset an authenticator' : 'Authenticator';
  select(location.hash.slice(1) || state.view, false);
  startLive();
}

// --- views -----------------------------------------------------------------

const VIEWS = ['overview', 'guards', 'decisions', 'swaps', 'quarantines', 'compliance'];

function select(view, focus = true) {
  if (!VIEWS.includes(view)) view = 'overview';
  state.view = view;
  for (const v of VIEWS) {
    const tab = $('#tab-' + v);
    const on = v === view;
    tab.setAttribute('aria-selected', String(on));
    tab.tabIndex = on ? 0 : -1;
    $('#view-' + v).hidden = !on;
  }
  if (focus) $('#tab-' + view).focus();
  if (location.hash !== '#' + view) history.replaceState(null, '', '#' + view);
  refresh();
}

function tabKeys(ev) {
  const i = VIEWS.indexOf(state.view);
  let next = null;
  if (ev.key === 'ArrowRight') next = VIEWS[(i + 1) % VIEWS.length];
  else if (ev.key === 'ArrowLeft') next = VIEWS[(i + VIEWS.length - 1) % VIEWS.length];
  else if (ev.key === 'Home') next = VIEWS[0];
  else if (ev.key === 'End') next = VIEWS[VIEWS.length - 1];
  if (next) { ev.preventDefault(); select(next); }
}

function refresh() {
  switch (state.view) {
    case 'guards': return loadGuards();
    case 'decisions': return loadDecisions();
    case 'swaps': return loadSwaps();
    case 'quarantines': return loadQuarantines();
    case 'compliance': return loadReport();
    default: return null;
  }
}

// --- live updates ----------------------------------------------------------

function startLive() {
  stopLive();
  api('/console/api/overview').then(mergeOverview).catch(() => {});
  const es = new EventSource('/console/api/events');
  state.events = es;
  es.addEventListener('overview', (ev) => {
    $('#live').textContent = 'live';
    $('#live').classList.add('on');
    mergeOverview(JSON.parse(ev.data));
  });
  es.addEventListener('replaced', () => {
    // Another tab of this session took the live stream; take it back when
    // this one is shown again.
    stopLive();
    state.paused = true;
    $('#live').textContent = 'paused (live in another tab)';
  });
  es.onerror = () => {
    $('#live').textContent = 'reconnecting…';
    $('#live').classList.remove('on');
    // A refused stream (the session ended) is not retried by the browser.
    if (es.readyState === EventSource.CLOSED) api('/console/api/session').then(() => setTimeout(startLive, 3000)).catch(() => {});
  };
  // Guards and swaps change on actions and reloads: poll them while shown.
  state.timers.push(setInterval(() => {
    if (state.view === 'guards' && !$('#confirm').open) loadGuards();
    if (state.view === 'swaps') loadSwaps();
    if (state.view === 'quarantines' && !$('#confirm').open) loadQuarantines();
  }, 3000));
}

function stopLive() {
  if (state.events) state.events.close();
  state.events = null;
  for (const t of state.timers) clearInterval(t);
  state.timers = [];
  $('#live').classList.remove('on');
}

function mergeOverview(ov) {
  for (const s of ov.series) state.series.set(s.t, s);
  for (const t of state.series.keys()) if (t <= ov.now - WINDOW) state.series.delete(t);
  state.now = ov.now;
  const m = ov.minute;
  $('#c-rps').textContent = fmtNum(m.rps, 2);
  $('#c-allowed').textContent = fmtNum(m.allowed);
  $('#c-denied').textContent = fmtNum(m.denied);
  $('#c-errors').textContent = fmtNum(m.errors);
  $('#c-rewrites').textContent = fmtNum(m.rewrites);
  $('#c-lat').textContent = m.requests ? fmtUs(m.p50_us) + ' / ' + fmtUs(m.p99_us) : '–';
  drawCharts();
  drawRoutes(ov.routes || []);
  if (ov.decisions !== state.latestDecision) {
    state.latestDecision = ov.decisions;
    if (state.view === 'decisions') loadDecisions();
  }
}

// --- charts (SVG, drawn here) --------------------------------------------

const SVGNS = 'http://www.w3.org/2000/svg';
function svg(tag, attrs) {
  const e = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

function niceMax(v) {
  if (v <= 0) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 5, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}

// drawBars draws one bar per second over the chosen span. Stacked, the
// keys' values pile up (the top is the total); otherwise each key's bar
// starts at zero, drawn largest key last-to-first so all stay visible.
function drawBars(node, keys, colors, stacked, fmt, label) {
  const W = 900, H = 180, top = 14, bottom = 4;
  const span = state.span;
  const now = state.now || Math.floor(Date.now() / 1000) - 1;
  const rows = [];
  for (let t = now - span + 1; t <= now; t++) rows.push(state.series.get(t) || { t });
  let peak = 0;
  for (const r of rows) {
    let acc = 0;
    for (const k of keys) { acc = stacked ? acc + (r[k] || 0) : Math.max(acc, r[k] || 0); }
    peak = Math.max(peak, acc);
  }
  const ymax = niceMax(peak);
  const y = (v) => H - bottom - (v / ymax) * (H - top - bottom);
  const bw = W / span;
  node.replaceChildren();
  node.append(svg('line', { x1: 0, x2: W, y1: y(0), y2: y(0), class: 'axis' }));
  node.append(svg('line', { x1: 0, x2: W, y1: y(ymax), y2: y(ymax), class: 'axis', 'stroke-dasharray': '3 4' }));
  rows.forEach((r, i) => {
    let base = 0;
    const order = stacked ? keys.map((k, j) => j) : keys.map((k, j) => keys.length - 1 - j);
    for (const j of order) {
      const v = r[keys[j]] || 0;
      if (!v) continue;
      const from = stacked ? base : 0;
      const to = stacked ? base + v : v;
      node.append(svg('rect', { x: (i * bw).toFixed(2), width: Math.max(bw * 0.8, 0.8).toFixed(2), y: y(to).toFixed(1),
        height: Math.max(y(from) - y(to), 1).toFixed(1), fill: colors[j] }));
      base = to;
    }
  });
  const t = svg('text', { x: 4, y: 11 });
  t.textContent = fmt(ymax);
  node.append(t);
  const last = rows[rows.length - 1];
  node.setAttribute('aria-label', label + ', last ' + spanText(span) + ': peak ' + fmt(peak) + '; last second ' +
    keys.map((k) => k.replace(/_/g, ' ') + ' ' + fmt(last[k] || 0)).join(', '));
}

function spanText(s) {
  const m = Math.round(s / 60);
  return s < 60 ? s + ' seconds' : m === 1 ? '1 minute' : m + ' minutes';
}

function drawCharts() {
  const css = getComputedStyle(document.documentElement);
  const c = (n) => css.getPropertyValue(n).trim();
  drawBars($('#chart-req'), ['allowed', 'denied', 'errors'], [c('--ok'), c('--deny'), c('--err')], true,
    (v) => fmtNum(v) + '/s', 'Requests per second');
  drawBars($('#chart-lat'), ['p50_us', 'p99_us'], [c('--p50'), c('--p99')], false, fmtUs, 'Added latency');
  for (const e of document.querySelectorAll('.span-text')) e.textContent = spanText(state.span);
}

function drawRoutes(routes) {
  const body = $('#routes tbody');
  body.replaceChildren(...(routes.length ? routes.map((r) => el('tr', {},
    el('th', { scope: 'row', text: r.route }),
    el('td', {}, tag(r.health)),
    el('td', { class: 'num', text: fmtNum(r.requests) }),
    el('td', { class: 'num', text: fmtNum(r.forwarded) }),
    el('td', { class: 'num', text: fmtNum(r.upstream_errors) }),
    el('td', { class: 'num', text: fmtMs(r.upstream_p50_ms) + ' / ' + fmtMs(r.upstream_p99_ms) }),
    el('td', { text: r.last_error_ms ? fmtTime(r.last_error_ms) + ' (' + r.last_error_status + ')' : 'none' }),
  )) : [el('tr', {}, el('td', { colspan: 7, class: 'muted', text: 'No traffic yet.' }))]));
  $('#routes-list').replaceChildren(...routes.map((r) => el('option', { value: r.route })));
}

// --- guards ----------------------------------------------------------------

async function loadGuards() {
  try {
    const g = await api('/guards');
    state.guards = g;
    drawGuards(g);
  } catch (e) {
    if (e.status !== 401) result('Could not load the guards: ' + e.message, false);
  }
}

function drawGuards(g) {
  $('#generation').textContent = 'Pipeline generation ' + g.generation;
  const guards = g.guards || [];
  $('#guards-list').replaceChildren(...guards.map((x) => el('option', { value: x.name })));
  // One table per route, its guards in pipeline order, when the API lists
  // the routes (GET /guards "routes"); otherwise one table in load order.
  const groups = new Map();
  const byName = new Map(guards.map((x) => [x.name, x]));
  if (Array.isArray(g.routes) && g.routes.length) {
    const used = new Set();
    for (const r of g.routes) {
      groups.set('Route ' + r.name + (r.prefix ? ' (' + r.prefix + ')' : ''), (r.guards || []).map((n) => byName.get(n)).filter(Boolean));
      for (const n of r.guards || []) used.add(n);
    }
    const rest = guards.filter((x) => !used.has(x.name));
    if (rest.length) groups.set('On no route', rest);
  } else {
    groups.set('Guards in pipeline order', guards);
  }
  const out = [];
  for (const [route, list] of groups) {
    out.push(el('div', { class: 'guard-route' },
      el('h3', { text: route }),
      el('table', { class: 'grid guards', 'data-route': route },
        el('thead', {}, el('tr', {}, ['#', 'Guard', 'Version', 'SHA-256', 'Mode', 'Candidate', 'Calls', 'Errors', 'p50 / p99', 'Pool (in use / live / max)', 'Actions']
          .map((h) => el('th', { scope: 'col', class: ['Calls', 'Errors', 'p50 / p99', 'Pool (in use / live / max)'].includes(h) ? 'num' : null, text: h })))),
        el('tbody', {}, list.map((x, i) => guardRow(x, i + 1))))));
  }
  if (!out.length) out.push(el('p', { class: 'muted', text: 'No guards are loaded.' }));
  $('#guard-tables').replaceChildren(...out);
}

function guardRow(x, i) {
  const cand = x.candidate;
  const other = x.mode === 'enforce' ? 'observe' : 'enforce';
  return el('tr', { 'data-guard': x.name },
    el('td', { class: 'num', text: i }),
    el('th', { scope: 'row' }, x.name, x.guard && x.guard !== x.name ? el('small', { text: ' (' + x.guard + ')' }) : null),
    el('td', { class: 'version', text: x.version }),
    el('td', { class: 'mono', title: x.sha256, text: (x.sha256 || '').slice(0, 12) }),
    el('td', {}, tag(x.mode), x.overridden && x.overridden.length ? el('div', {}, el('small', { text: 'set at run time: ' + x.overridden.join(', ') })) : null,
      el('div', {}, el('small', { text: 'on error: ' + x.on_error }))),
    el('td', { class: 'candidate' }, cand ? [
      el('div', {}, el('strong', { text: cand.version }), ' ', el('span', { class: 'mono', title: cand.sha256, text: (cand.sha256 || '').slice(0, 8) })),
      el('small', { text: fmtNum((cand.disagreement_rate || 0) * 100, 1) + '% disagree (' + fmtNum(cand.disagreements) + ' of ' + fmtNum(cand.calls) + ')' }),
    ] : el('span', { class: 'muted', text: 'none' })),
    el('td', { class: 'num', text: fmtNum(x.calls) }),
    el('td', { class: 'num', text: fmtNum(x.errors) }),
    el('td', { class: 'num', text: fmtUs(x.p50_us) + ' / ' + fmtUs(x.p99_us) }),
    el('td', { class: 'num', title: x.in_use + ' in use of ' + x.instances + ' live instances; the pool may grow to ' + x.pool_size,
      text: x.in_use + ' / ' + x.instances + ' / ' + x.pool_size }),
    el('td', {},
      el('button', { class: 'small', disabled: !cand, 'aria-label': 'Promote candidate of ' + x.name,
        onclick: () => act('Promote the candidate ' + (cand ? cand.version : '') + ' of ' + x.name + '? It replaces ' + x.version + ' on every route.',
          '/promote', { guard: x.name }) }, 'Promote'), ' ',
      el('button', { class: 'small secondary', 'aria-label': 'Switch ' + x.name + ' to ' + other,
        onclick: () => act('Switch ' + x.name + ' to ' + other + ' mode?' + (other === 'observe' ? ' Its denials will no longer be enforced.' : ' Its denials will be enforced.'),
          '/mode', { guard: x.name, mode: other }) }, other === 'observe' ? 'Observe' : 'Enforce')));
}

// confirm opens the confirmation dialog; it resolves true on Confirm.
function confirmAction(text) {
  const d = $('#confirm');
  $('#confirm-text').textContent = text;
  d.returnValue = '';
  return new Promise((resolve) => {
    d.addEventListener('close', () => resolve(d.returnValue === 'ok'), { once: true });
    d.showModal();
    $('#confirm-cancel').focus();
  });
}

function result(text, ok) {
  const r = $('#action-result');
  r.textContent = text;
  r.className = 'result ' + (ok ? 'good' : 'bad');
}

async function act(question, path, body) {
  const opener = document.activeElement;
  if (!(await confirmAction(question))) { if (opener) opener.focus(); return; }
  result('Working…', true);
  try {
    const res = await api(path, { method: 'POST', body });
    const gen = res && res.generation !== undefined ? ' (generation ' + res.generation + ')' : '';
    result(path.slice(1) + ' done' + gen + '.', true);
  } catch (e) {
    result(path.slice(1) + ' refused: ' + (e.status === 404 ? 'this Ward has no ' + path + ' endpoint' : e.message), false);
  }
  await loadGuards();
  const again = opener && opener.getAttribute('aria-label') && document.querySelector(`[aria-label="${CSS.escape(opener.getAttribute('aria-label'))}"]`);
  (again || opener || $('#btn-reload')).focus();
}

// --- decisions -------------------------------------------------------------

function filters() {
  const f = new FormData($('#filters'));
  const q = new URLSearchParams();
  for (const [k, v] of f) if (String(v).trim()) q.set(k, String(v).trim());
  return q;
}

async function loadDecisions() {
  try {
    const res = await api('/console/api/decisions?' + filters());
    state.decisions = res.decisions;
    drawDecisions();
  } catch (e) { /* a 401 shows the login form */ }
}

function decider(d) {
  return d.guards.find((g) => g.verdict === 'deny' && g.mode === 'enforce') || d.guards.find((g) => g.verdict !== 'allow') || d.guards.find((g) => g.rewrites > 0);
}

function who(d) {
  const id = d.identity || {};
  return id.subject || id.key_id || id.sub || Object.values(id)[0] || '–';
}

function drawDecisions() {
  const body = $('#decisions tbody');
  const rows = state.decisions.map((d) => {
    const g = decider(d) || {};
    const reason = g.code || d.code || (g.rewrites ? 'rewrote ' + g.rewrites : '');
    return el('tr', { class: d.request_id === state.selected ? 'selected' : null, 'data-request': d.request_id },
      el('td', { text: fmtTime(d.time) }),
      el('td', { text: who(d) }),
      el('td', { text: d.route || '–' }),
      el('td', { text: d.model || '–' }),
      el('td', { class: 'num', text: d.status }),
      el('td', {}, g.guard ? [g.guard, ' ', tag(g.rewrites > 0 && g.verdict === 'allow' ? 'rewrite' : g.verdict, g.verdict)] : '–'),
      el('td', { class: 'reason' }, el('span', { class: 'mono', text: reason }), g.reasons && g.reasons.length ? el('div', {}, el('small', { text: g.reasons[0] })) : null),
      el('td', {}, el('button', { class: 'small secondary', 'aria-label': 'Verdict chain of request ' + d.request_id, onclick: () => showChain(d) }, 'Details')));
  });
  body.replaceChildren(...(rows.length ? rows : [el('tr', {}, el('td', { colspan: 8, class: 'muted', text: 'No denials or rewrites match.' }))]));
}

function showChain(d) {
  state.selected = d.request_id;
  const aside = $('#chain');
  const id = d.identity || {};
  $('#chain-meta').replaceChildren(
    ...[['Request', d.request_id], ['Time', fmtTime(d.time)], ['Identity', Object.entries(id).map(([k, v]) => k + '=' + v).join(', ') || '–'],
      ['Route / API', (d.route || '–') + ' / ' + d.api], ['Model', d.model || '–'], ['Status', d.status + (d.code ? ' ' + d.code : '')],
      ['Duration', fmtNum(d.duration_ms, 3) + ' ms (upstream ' + fmtNum(d.upstream_ms, 3) + ' ms)']]
      .flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { class: k === 'Request' ? 'mono' : null, text: v })]));
  $('#chain-table tbody').replaceChildren(...d.guards.map((g, i) => el('tr', {},
    el('td', { class: 'num', text: i + 1 }),
    el('th', { scope: 'row' }, g.guard, el('div', {}, el('small', { text: g.version }))),
    el('td', { text: g.phase }),
    el('td', {}, tag(g.mode)),
    el('td', {}, tag(g.verdict), g.rewrites ? el('div', {}, el('small', { text: g.rewrites + ' rewrite(s)' })) : null),
    el('td', {}, g.code ? el('div', { class: 'mono', text: g.code }) : null,
      g.reasons && g.reasons.length ? el('ul', {}, g.reasons.map((r) => el('li', { text: r }))) : (g.code ? null : '–')),
    el('td', { class: 'mono', text: g.scores ? Object.entries(g.scores).map(([k, v]) => k + ' ' + v).join(', ') : '–' }),
    el('td', { class: 'num', text: fmtUs(g.latency_us) }))));
  aside.hidden = false;
  $('.split').classList.add('open');
  drawDecisions();
  aside.focus();
}

function closeChain() {
  const id = state.selected;
  state.selected = null;
  $('#chain').hidden = true;
  $('.split').classList.remove('open');
  drawDecisions();
  const b = id && document.querySelector(`[aria-label="Verdict chain of request ${CSS.escape(id)}"]`);
  if (b) b.focus();
}

// --- swaps -----------------------------------------------------------------

async function loadSwaps() {
  let status = null;
  try { status = await api('/status'); } catch (e) { return; }
  drawSwapState(status);
  let swaps = null;
  try {
    const res = await api('/swaps');
    swaps = Array.isArray(res) ? res : res.swaps || res.history || [];
    if (res && res.last_known_good !== undefined) status.last_known_good = res.last_known_good;
    drawSwapState(status);
    $('#swaps-note').textContent = '';
  } catch (e) {
    // Without GET /swaps, the last swap and the last failure are what is known.
    swaps = [status.last_failure, status.last].filter(Boolean);
    $('#swaps-note').textContent = e.status === 404 ? 'This Ward has no swap history (GET /swaps); showing the last swap and the last failure from GET /status.' : 'Swap history unavailable: ' + e.message;
  }
  swaps.sort((a, b) => new Date(b.at || b.time) - new Date(a.at || a.time));
  $('#swaps tbody').replaceChildren(...(swaps.length ? swaps.map((s) => el('tr', { class: s.ok ? null : 'failed' },
    el('td', { text: fmtTime(s.at || s.time) }),
    el('td', { text: (s.trigger || '–') + (s.target ? ' ' + s.target : '') }),
    el('td', { text: s.operator || '–' }),
    el('td', { class: 'num', text: s.generation }),
    el('td', {}, tag(s.ok ? 'ok' : 'failed')),
    el('td', { class: 'num', text: fmtMs((s.duration_ns || 0) / 1e6) }),
    el('td', { text: (s.loaded || []).length + ' / ' + (s.reused || []).length, title: 'loaded: ' + (s.loaded || []).join(', ') + '; reused: ' + (s.reused || []).join(', ') }),
    el('td', { class: 'mono', text: s.error || '' }))) : [el('tr', {}, el('td', { colspan: 8, class: 'muted', text: 'No swaps yet.' }))]));
}

function drawSwapState(s) {
  const lkg = s.last_known_good; // a generation (0: none), or absent on a Ward without it
  const items = [['Live generation', s.generation], ['Loaded', fmtTime(s.loaded_at)], ['Trigger', s.trigger],
    ['Can roll back', s.can_rollback ? 'yes' : 'no'], ['Reloads', fmtNum(s.reloads)], ['Failed reloads', fmtNum(s.failed_reloads)],
    ['Draining', fmtNum(s.draining)],
    ['Last known good', lkg ? 'generation ' + (typeof lkg === 'object' ? lkg.generation : lkg) : (lkg === 0 || !s.can_rollback ? 'none' : 'the previous generation')]];
  $('#swap-state').replaceChildren(el('dl', { class: 'state' }, items.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: v })])));
}

// --- quarantines ------------------------------------------------------------

function qResult(text, ok) {
  const r = $('#quarantine-result');
  r.textContent = text;
  r.className = 'result ' + (ok ? 'good' : 'bad');
}

async function loadQuarantines() {
  let list;
  try {
    const res = await api('/quarantines');
    list = res.quarantines || [];
  } catch (e) {
    if (e.status === 401) return;
    $('#quarantines tbody').replaceChildren(el('tr', {}, el('td', { colspan: 8, class: 'muted',
      text: e.status === 404 ? 'This Ward has no incident response (GET /quarantines).' : 'Quarantines unavailable: ' + e.message })));
    return;
  }
  list.sort((a, b) => new Date(b.since) - new Date(a.since));
  $('#quarantines tbody').replaceChildren(...(list.length ? list.map((q) => el('tr', { 'data-quarantine': q.id },
    el('th', { scope: 'row', class: 'mono', text: q.id }),
    el('td', { text: q.rule || '–' }),
    el('td', { text: q.route || '–' }),
    el('td', { class: 'mono', text: q.reason || '–' }),
    el('td', { class: 'num', text: fmtNum(q.denials) + (q.window ? ' in ' + q.window : '') }),
    el('td', { text: fmtTime(q.since) }),
    el('td', { text: fmtTime(q.until) }),
    el('td', {}, el('button', { class: 'small danger', 'aria-label': 'Lift the quarantine of ' + q.id, onclick: () => lift(q) }, 'Lift')),
  )) : [el('tr', {}, el('td', { colspan: 8, class: 'muted', text: 'Nobody is quarantined.' }))]));
}

async function lift(q) {
  const opener = document.activeElement;
  if (!(await confirmAction('Lift the quarantine of ' + q.id + '? Its requests are served again at once (on other replicas within a second). The lift is audited with your name.'))) {
    if (opener) opener.focus();
    return;
  }
  try {
    const res = await api('/quarantines/lift', { method: 'POST', body: { identity: q.id } });
    qResult('Lifted the quarantine of ' + res.lifted + ' (by ' + res.operator + ').', true);
  } catch (e) {
    qResult('Lift refused: ' + e.message, false);
  }
  await loadQuarantines();
  $('#btn-quarantines').focus();
}

// --- compliance --------------------------------------------------------------

function reportWindow() {
  const r = document.querySelector('input[name=window]:checked');
  return r ? r.value : '24h';
}

async function loadReport() {
  const win = reportWindow();
  const chain = $('#report-chain');
  chain.textContent = 'Reading the audit log…';
  chain.className = 'result';
  let r;
  try {
    r = await api('/console/api/report?window=' + encodeURIComponent(win));
  } catch (e) {
    if (e.status === 401) return;
    chain.textContent = e.status === 404 ? 'No audit log to report on: the report reads the audit files ([audit] sink = "file").' : 'Report unavailable: ' + e.message;
    chain.className = 'result bad';
    return;
  }
  if (reportWindow() !== win) return; // another window was chosen meanwhile
  const verified = r.chain.startsWith('verified');
  chain.textContent = 'Audit chain: ' + r.chain;
  chain.className = 'result ' + (verified ? 'good' : 'bad');
  $('#r-requests').textContent = fmtNum(r.requests);
  $('#r-allowed').textContent = fmtNum(r.allowed);
  $('#r-denied').textContent = fmtNum(r.denied);
  $('#r-errors').textContent = fmtNum(r.errors);
  $('#r-quarantines').textContent = fmtNum(r.quarantines);
  $('#r-admin').textContent = fmtNum(r.admin_actions);
  const css = getComputedStyle(document.documentElement);
  const c = (n) => css.getPropertyValue(n).trim();
  const masked = (r.masked || []).flatMap((g) => g.counts.map((x) => ({ name: g.guard + ': ' + x.name, n: x.n })));
  masked.sort((a, b) => b.n - a.n);
  const charts = [
    ['Denials by reason', r.denials_by_reason, c('--deny')],
    ['Denials by guard', r.denials_by_guard, c('--deny')],
    ['Identities quarantined', r.quarantined, c('--err')],
    ['PII and secrets masked, by guard and kind', masked, c('--p50')],
    ['Admin actions by operator', (r.admin || []).map((o) => ({ name: o.operator, n: o.total })), c('--p99')],
  ];
  if ((r.observed_denials || []).length) charts.splice(2, 0, ['Observe-mode denials (not enforced), by guard', r.observed_denials, c('--muted')]);
  $('#report-charts').replaceChildren(...charts.map(([title, counts, color]) => {
    const node = svg('svg', { class: 'hbars', role: 'img' });
    drawHBars(node, counts || [], color, title);
    return el('figure', { 'data-chart': title }, el('figcaption', {}, el('span', { text: title })), node);
  }));
  $('#report-admin tbody').replaceChildren(...((r.admin || []).length ? r.admin.map((o) => el('tr', {},
    el('th', { scope: 'row', text: o.operator }),
    el('td', { class: 'num', text: fmtNum(o.total) }),
    el('td', { text: o.actions.map((a) => a.name + ' ' + a.n).join(', ') }))) : [el('tr', {}, el('td', { colspan: 3, class: 'muted', text: 'No admin actions in this period.' }))]));
  $('#report-period').textContent = 'Period: ' + fmtTime(r.from) + ' – ' + fmtTime(r.to) + '; files: ' + (r.files || []).join(', ') + '.';
}

// drawHBars draws one horizontal bar per count (the 12 largest), labelled
// with its name and number; the SVG's label lists them for screen readers.
function drawHBars(node, counts, color, title) {
  const rows = counts.slice(0, 12);
  const W = 600, rowH = 22, labelW = 230, numW = 50;
  const H = Math.max(rows.length, 1) * rowH;
  node.setAttribute('viewBox', `0 0 ${W} ${H}`);
  node.setAttribute('height', H);
  node.replaceChildren();
  if (!rows.length) {
    const t = svg('text', { x: 0, y: 15 });
    t.textContent = 'none';
    node.append(t);
    node.setAttribute('aria-label', title + ': none');
    return;
  }
  const top = Math.max(...rows.map((x) => x.n), 1);
  rows.forEach((x, i) => {
    const y = i * rowH;
    const name = x.name.length > 34 ? x.name.slice(0, 33) + '…' : x.name;
    const label = svg('text', { x: 0, y: y + 15 });
    label.textContent = name;
    const w = Math.max((x.n / top) * (W - labelW - numW), 1);
    const bar = svg('rect', { x: labelW, y: y + 3, width: w.toFixed(1), height: rowH - 6, fill: color });
    const tt = svg('title', {});
    tt.textContent = x.name + ': ' + x.n;
    bar.append(tt);
    const num = svg('text', { x: (labelW + w + 6).toFixed(1), y: y + 15 });
    num.textContent = fmtNum(x.n);
    node.append(label, bar, num);
  });
  node.setAttribute('aria-label', title + ': ' + rows.map((x) => x.name + ' ' + x.n).join(', ') + (counts.length > rows.length ? ', and ' + (counts.length - rows.length) + ' more' : ''));
}

// --- enrolment (TOTP) ----------------------------------------------------------

function openEnrol() {
  const d = $('#enrol');
  const admin = state.session && state.session.admin;
  $('#enrol-self').hidden = admin;
  $('#enrol-admin').hidden = !admin;
  for (const i of d.querySelectorAll('input')) { i.value = ''; i.required = false; }
  for (const i of (admin ? [$('#enrol-operator'), $('#enrol-token')] : [$('#enrol-password'), $('#enrol-code')])) i.required = true;
  $('#enrol-new-code').required = true;
  $('#enrol-title').textContent = admin ? 'Reset an operator\'s authenticator' : 'Enrol a new authenticator';
  $('#enrol-intro').textContent = admin
    ? 'A new TOTP secret for an operator who lost their device. Enter the admin token again. Once confirmed, the old secret stops working and the operator\'s console sessions end.'
    : 'A new TOTP secret for ' + state.session.operator + '. Confirm it is you with your password and a current code.';
  $('#enrol-error').textContent = '';
  $('#enrol-confirm-error').textContent = '';
  $('#enrol-form').hidden = false;
  $('#enrol-confirm').hidden = true;
  $('#enrol-done').hidden = true;
  d.showModal();
  (admin ? $('#enrol-operator') : $('#enrol-password')).focus();
}

function closeEnrol() {
  const d = $('#enrol');
  // The secret leaves the page with the dialog.
  $('#enrol-qr').removeAttribute('src');
  $('#enrol-secret').textContent = '';
  $('#enrol-uri').textContent = '';
  for (const i of d.querySelectorAll('input')) i.value = '';
  if (d.open) d.close();
  $('#btn-enrol').focus();
}

async function enrolBegin(ev) {
  ev.preventDefault();
  const admin = state.session && state.session.admin;
  const body = admin ? { operator: $('#enrol-operator').value.trim(), admin_token: $('#enrol-token').value }
    : { password: $('#enrol-password').value, totp: $('#enrol-code').value.trim() };
  $('#enrol-error').textContent = '';
  try {
    const res = await api('/console/api/enrol', { method: 'POST', body, login: true });
    $('#enrol-qr').src = 'data:image/svg+xml;base64,' + btoa(res.qr_svg);
    $('#enrol-secret').textContent = res.secret.replace(/(.{4})/g, '$1 ').trim();
    $('#enrol-uri').textContent = res.uri;
    for (const i of $('#enrol-form').querySelectorAll('input')) i.value = '';
    $('#enrol-form').hidden = true;
    $('#enrol-confirm').hidden = false;
    $('#enrol-new-code').focus();
  } catch (e) {
    $('#enrol-error').textContent = e.status === 401 ? (admin ? 'Wrong admin token.' : 'Wrong password or code (a code works once).')
      : e.status === 404 ? 'No such operator.' : e.status === 429 ? 'Too many failed attempts; wait a few minutes.' : 'Refused: ' + e.message;
  }
}

async function enrolConfirm(ev) {
  ev.preventDefault();
  $('#enrol-confirm-error').textContent = '';
  try {
    const res = await api('/console/api/enrol/confirm', { method: 'POST', body: { totp: $('#enrol-new-code').value.trim() }, login: true });
    $('#enrol-qr').removeAttribute('src');
    $('#enrol-secret').textContent = '';
    $('#enrol-uri').textContent = '';
    $('#enrol-confirm').hidden = true;
    $('#enrol-done').hidden = false;
    $('#enrol-done-text').textContent = 'The new authenticator of ' + res.operator + ' is enrolled; the old secret no longer works.';
    $('#enrol-close').focus();
  } catch (e) {
    $('#enrol-new-code').select();
    $('#enrol-confirm-error').textContent = e.status === 401 ? 'Wrong code: enter the code the app shows for the new secret.'
      : e.status === 404 ? 'The enrolment expired; start again.' : e.status === 429 ? 'Too many wrong codes; wait a few minutes.' : 'Refused: ' + e.message;
  }
}

// --- wiring ----------------------------------------------------------------

document.addEventListener('DOMContentLoaded', () => {
  $('#login-form').addEventListener('submit', login);
  $('#op-form').addEventListener('submit', opLogin);
  $('#login-switch').addEventListener('click', () => { auth.mode = auth.mode === 'operator' ? 'token' : 'operator'; drawLogin(); });
  $('#btn-enrol').addEventListener('click', openEnrol);
  $('#enrol-form').addEventListener('submit', enrolBegin);
  $('#enrol-confirm').addEventListener('submit', enrolConfirm);
  for (const b of ['#enrol-cancel', '#enrol-abandon', '#enrol-close']) $(b).addEventListener('click', closeEnrol);
  $('#enrol').addEventListener('cancel', (ev) => { ev.preventDefault(); closeEnrol(); });
  $('#btn-quarantines').addEventListener('click', loadQuarantines);
  for (const r of document.querySelectorAll('input[name=window]')) r.addEventListener('change', loadReport);
  $('#logout').addEventListener('click', logout);
  for (const v of VIEWS) $('#tab-' + v).addEventListener('click', () => select(v));
  $('[role=tablist]').addEventListener('keydown', tabKeys);
  $('#btn-reload').addEventListener('click', () => act('Reload the config and guards from disk? A failed reload leaves the running pipeline serving.', '/reload'));
  $('#btn-rollback').addEventListener('click', () => act('Roll back to the previous pipeline?', '/rollback'));
  $('#filters').addEventListener('submit', (ev) => { ev.preventDefault(); loadDecisions(); });
  $('#filters').addEventListener('reset', () => setTimeout(loadDecisions, 0));
  $('#chain-close').addEventListener('click', closeChain);
  for (const r of document.querySelectorAll('input[name=span]')) {
    r.addEventListener('change', () => { state.span = Number(r.value); drawCharts(); });
  }
  $('#chain').addEventListener('keydown', (ev) => { if (ev.key === 'Escape') closeChain(); });
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && state.paused && !$('#nav').hidden) { state.paused = false; startLive(); }
  });
  // Already logged in (the cookie outlives a page load)?
  api('/console/api/session', { login: true }).then(start).catch(() => showLogin(''));
});
