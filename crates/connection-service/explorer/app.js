// The API Explorer page. Builds one form per operation from the generated metadata
// (./generated/api.js, written by `cargo xtask codegen` from the spec), checks values with the
// server's own wording, signs in the browser (./signer.js), sends to this origin only, and shows
// the answer, the signature's parts and sample code.
//
// Secrets: the AccessKey secret and STS token live in `secrets` (memory) and, only when the user
// ticks "remember", in sessionStorage. They never reach the URL, the history, the DOM outside
// their own inputs, a snippet or a log line.

import api from './generated/api.js';
import { buildSignedRequest, nonce } from './signer.js';
import { defaultBackend } from './hash.js';
import { snippets } from './snippets.js';

const $ = (id) => document.getElementById(id);
const backend = defaultBackend();
const REMEMBER_KEY = 'dataworks-explorer-credentials';
const HISTORY_KEY = 'dataworks-explorer-history';
const THEME_KEY = 'dataworks-explorer-theme';
const HISTORY_MAX = 30;

const secrets = { secret: '', token: '' };
/** Secret parameter values (x-secret, e.g. Content with passwords) by history id: memory only. */
const secretParamsById = new Map();
let current = api.operations[0];
let lastAnswer = null;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') node.textContent = v;
    else if (k === 'class') node.className = v;
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const child of children.flat()) if (child) node.append(child);
  return node;
}

// ---- theme ---------------------------------------------------------------------------------
function effectiveDark() {
  const set = document.documentElement.dataset.theme;
  if (set) return set === 'dark';
  return window.matchMedia('(prefers-color-scheme: dark)').matches;
}
function showThemeButton() {
  const dark = effectiveDark();
  $('theme-toggle').setAttribute('aria-pressed', String(dark));
  $('theme-toggle').textContent = dark ? 'Light mode' : 'Dark mode';
}
function initTheme() {
  const saved = sessionStorage.getItem(THEME_KEY);
  if (saved) document.documentElement.dataset.theme = saved;
  showThemeButton();
  $('theme-toggle').addEventListener('click', () => {
    const next = effectiveDark() ? 'light' : 'dark';
    document.documentElement.dataset.theme = next;
    sessionStorage.setItem(THEME_KEY, next);
    showThemeButton();
  });
  window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', showThemeButton);
}

// ---- credentials ---------------------------------------------------------------------------
function initCredentials() {
  const saved = sessionStorage.getItem(REMEMBER_KEY);
  if (saved) {
    try {
      const c = JSON.parse(saved);
      $('ak-id').value = c.id || '';
      secrets.secret = c.secret || '';
      secrets.token = c.token || '';
      $('ak-secret').value = secrets.secret;
      $('sts-token').value = secrets.token;
      $('remember').checked = true;
    } catch {
      sessionStorage.removeItem(REMEMBER_KEY);
    }
  }
  const update = () => {
    secrets.secret = $('ak-secret').value;
    secrets.token = $('sts-token').value.trim();
    if ($('remember').checked) {
      sessionStorage.setItem(REMEMBER_KEY, JSON.stringify({ id: $('ak-id').value.trim(), secret: secrets.secret, token: secrets.token }));
    } else {
      sessionStorage.removeItem(REMEMBER_KEY);
    }
  };
  for (const id of ['ak-id', 'ak-secret', 'sts-token', 'remember']) $(id).addEventListener('input', update);
  $('remember').addEventListener('change', update);
}

// ---- operations list and search ------------------------------------------------------------
function opMatches(op, q) {
  if (!q) return true;
  const hay = [op.name, op.summary, op.description, ...op.params.flatMap((p) => [p.name, p.description])]
    .filter(Boolean).join(' ').toLowerCase();
  return q.toLowerCase().split(/\s+/).every((w) => hay.includes(w));
}
function renderOperations() {
  const q = $('search').value.trim();
  const list = $('operations');
  list.replaceChildren();
  let shown = 0;
  for (const op of api.operations) {
    if (!opMatches(op, q)) continue;
    shown++;
    const hits = q ? op.params.filter((p) => opMatches({ name: p.name, summary: p.description, params: [] }, q)).map((p) => p.name) : [];
    list.append(el('li', {}, el('a', { href: `#op=${op.name}`, 'aria-current': op === current ? 'page' : null, 'data-op': op.name },
      op.name, el('span', { class: 'opsum', text: hits.length ? `parameters: ${hits.join(', ')}` : op.summary || '' }))));
  }
  $('search-empty').hidden = shown > 0;
}

// ---- the form ------------------------------------------------------------------------------
function typeText(p) {
  let t = p.type === 'integer' ? (p.format === 'int64' ? 'Long' : 'Integer') : p.type === 'string' ? 'String' : p.type;
  const parts = [];
  if (p.minimum !== undefined && p.minimum !== null) parts.push(`${p.exclusiveMinimum ? '>' : '≥'} ${p.minimum}`);
  if (p.maximum !== undefined && p.maximum !== null) parts.push(`${p.exclusiveMaximum ? '<' : '≤'} ${p.maximum}`);
  if (p.minLength) parts.push(`≥ ${p.minLength} chars`);
  if (p.maxLength) parts.push(`≤ ${p.maxLength} chars`);
  if (p.pattern) parts.push(`pattern ${p.pattern}`);
  if (p.default !== null && p.default !== undefined) parts.push(`default ${p.default}`);
  return parts.length ? `${t}, ${parts.join(', ')}` : t;
}
function exampleText(p) {
  return p.example === null || p.example === undefined ? '' : String(p.example);
}
function renderForm() {
  const op = current;
  $('op-title').textContent = op.name;
  $('op-summary').textContent = op.summary || '';
  $('op-description').textContent = op.description || '';
  const box = $('params');
  box.replaceChildren();
  for (const p of op.params) {
    const id = `p-${p.name}`;
    const described = [`${id}-help`, `${id}-error`].join(' ');
    let input;
    if (p.enum) {
      input = el('select', { id, name: p.name, 'aria-describedby': described, 'aria-required': p.required ? 'true' : null },
        el('option', { value: '', text: p.required ? '— choose —' : '(not sent)' }),
        p.enum.map((e) => el('option', { value: e.value, text: e.description ? `${e.value} — ${e.description}` : e.value })));
    } else if (p.maxLength && p.maxLength > 300) {
      input = el('textarea', { id, name: p.name, rows: 4, spellcheck: 'false', 'aria-describedby': described, 'aria-required': p.required ? 'true' : null, placeholder: exampleText(p) });
    } else {
      input = el('input', { id, name: p.name, autocomplete: 'off', spellcheck: 'false', inputmode: p.type === 'integer' ? 'numeric' : null,
        'aria-describedby': described, 'aria-required': p.required ? 'true' : null, placeholder: exampleText(p) });
    }
    const label = el('label', { for: id }, p.name,
      p.required ? el('span', { class: 'req', 'aria-hidden': 'true', text: ' *' }) : null,
      el('span', { class: 'type', text: `${p.required ? 'required' : 'optional'} · ${typeText(p)}` }));
    const help = el('p', { class: 'help', id: `${id}-help` },
      p.description || '', exampleText(p) ? ` Example: ${exampleText(p)}` : '', p.secret ? ' (Secret values inside are kept out of links and stored history.)' : '');
    const error = el('p', { class: 'error', id: `${id}-error`, hidden: true });
    box.append(el('div', { class: 'param', 'data-required': String(p.required), 'data-param': p.name }, label, input, help, error));
  }
  applyRequiredOnly();
  $('form-errors').hidden = true;
  // Another operation's answer below this form would read as this one's.
  $('results').hidden = true;
  renderOperations();
}
function applyRequiredOnly() {
  const only = $('required-only').checked;
  for (const div of $('params').querySelectorAll('.param')) div.hidden = only && div.dataset.required !== 'true';
}
function fillExamples() {
  for (const p of current.params) {
    const input = $(`p-${p.name}`);
    if (input && !input.value && p.required && exampleText(p)) input.value = exampleText(p);
  }
}
function formValues() {
  return current.params.map((p) => ({ param: p, value: $(`p-${p.name}`).value }));
}
function setFormValues(values) {
  for (const p of current.params) {
    const input = $(`p-${p.name}`);
    if (input) input.value = values[p.name] ?? '';
  }
}

// ---- validation with the server's wording --------------------------------------------------
const INT_RE = /^[+-]?\d+$/;
const INT_LIMITS = { int32: [-(2n ** 31n), 2n ** 31n - 1n], int64: [-(2n ** 63n), 2n ** 63n - 1n] };
function invalid(p, reason, got) {
  const why = String(reason).replace('{}', got).replace(/\.$/, '');
  return `${api.messages.invalid.replace('{name}', p.name)} ${api.messages.invalidValue.replace('{reason}', why)}`;
}
/** The server's message for this value of `p`, or null when the server would accept it. */
export function check(p, raw) {
  if (raw === '') return p.required ? api.messages.missing.replace('{name}', p.name) : null;
  const r = p.reasons || {};
  if (p.enum) {
    if (!p.enum.some((e) => e.value === raw)) return invalid(p, r.enum, raw);
    return null;
  }
  if (p.type === 'integer') {
    const text = raw.trim();
    const [lo, hi] = INT_LIMITS[p.format] || INT_LIMITS.int64;
    if (!INT_RE.test(text) || BigInt(text) < lo || BigInt(text) > hi) return invalid(p, r.parse, raw);
    const n = BigInt(text);
    if (p.minimum !== undefined && p.minimum !== null && (p.exclusiveMinimum ? n <= BigInt(p.minimum) : n < BigInt(p.minimum))) return invalid(p, r.minimum, n.toString());
    if (p.maximum !== undefined && p.maximum !== null && (p.exclusiveMaximum ? n >= BigInt(p.maximum) : n > BigInt(p.maximum))) return invalid(p, r.maximum, n.toString());
    return null;
  }
  const length = [...raw].length;
  if (p.minLength && length < p.minLength) return invalid(p, r.minLength, length);
  if (p.maxLength && length > p.maxLength) return invalid(p, r.maxLength, length);
  if (p.pattern && !new RegExp(p.pattern, 'u').test(raw)) return invalid(p, r.pattern, raw);
  return null;
}
function validate() {
  const problems = [];
  for (const { param, value } of formValues()) {
    const message = check(param, value);
    const input = $(`p-${param.name}`);
    const error = $(`p-${param.name}-error`);
    input.setAttribute('aria-invalid', message ? 'true' : 'false');
    error.hidden = !message;
    error.textContent = message || '';
    if (message) {
      problems.push({ param, message });
      input.closest('.param').hidden = false;
    }
  }
  const box = $('form-errors');
  box.replaceChildren();
  box.hidden = problems.length === 0;
  if (problems.length) {
    box.append(el('p', { text: `${problems.length} parameter${problems.length > 1 ? 's' : ''} would be refused by the server:` }),
      el('ul', {}, problems.map(({ param, message }) => el('li', {}, el('a', { href: `#p-${param.name}`, 'data-focus': `p-${param.name}`, text: message })))));
    $(`p-${problems[0].param.name}`).focus();
  }
  return problems.length === 0;
}

// ---- signing and sending -------------------------------------------------------------------
function requestOptions() {
  return { signing: $('signing').value, method: $('http-method').value, format: $('format').value };
}
async function sign(signatureNonce = nonce(), overrides = {}) {
  const opts = { ...requestOptions(), ...overrides };
  const params = formValues().filter((v) => v.value !== '').map(({ param, value }) => [param.name, value]);
  return buildSignedRequest({
    action: current.name, version: api.version, params, ...opts,
    accessKeyId: $('ak-id').value.trim(), secret: secrets.secret, securityToken: secrets.token,
    host: location.host, signatureNonce, backend,
  });
}
function showInspector(req) {
  $('insp-scheme').textContent = req.inspector.scheme;
  $('insp-canonical').textContent = req.inspector.canonicalRequest;
  $('insp-sts').textContent = req.inspector.stringToSign;
  $('insp-headers').textContent = req.inspector.signedHeaders;
  $('insp-signature').textContent = req.inspector.signature;
  const head = req.headers.map(([n, v]) => `${n}: ${v}`).join('\n');
  $('sent-request').textContent = `${req.method} ${location.origin}${req.url}\nhost: ${location.host}\n${head}${req.body ? `\n\n${req.body}` : ''}`;
}
async function showSnippets() {
  const values = formValues().filter((v) => v.value !== '');
  const region = values.find((v) => v.param.common && v.param.name === 'RegionId')?.value;
  let signedUrl = null;
  if ($('ak-id').value.trim() && secrets.secret) {
    // A separate request with its own nonce: the one the page sends is already used.
    const fresh = await sign(nonce(), { signing: 'v1', method: 'GET' });
    signedUrl = `${location.origin}${fresh.url}`;
  }
  const ctx = {
    op: current, values: values.filter((v) => !v.param.common), host: location.host, scheme: location.protocol.replace(':', ''),
    ...requestOptions(), sts: Boolean(secrets.token), region, signedUrl,
  };
  const list = snippets(ctx);
  const tabs = $('sample-tabs');
  const panels = $('sample-panels');
  const selected = tabs.querySelector('[aria-selected="true"]')?.dataset.id || 'python';
  tabs.replaceChildren();
  panels.replaceChildren();
  for (const s of list) {
    const on = s.id === selected;
    tabs.append(el('button', { type: 'button', role: 'tab', id: `tab-${s.id}`, 'data-id': s.id, 'aria-selected': String(on), 'aria-controls': `panel-${s.id}`, tabindex: on ? '0' : '-1', text: s.label }));
    panels.append(el('div', { role: 'tabpanel', id: `panel-${s.id}`, 'aria-labelledby': `tab-${s.id}`, hidden: !on },
      s.note ? el('p', { class: 'sample-note', text: s.note }) : null,
      el('button', { type: 'button', class: 'copy', 'data-copy': `code-${s.id}`, text: `Copy ${s.label}` }),
      el('pre', { class: 'code', id: `code-${s.id}`, tabindex: '0', 'data-lang': s.id, text: s.code })));
  }
}
function selectTab(id) {
  for (const tab of $('sample-tabs').querySelectorAll('[role="tab"]')) {
    const on = tab.dataset.id === id;
    tab.setAttribute('aria-selected', String(on));
    tab.tabIndex = on ? 0 : -1;
    $(`panel-${tab.dataset.id}`).hidden = !on;
    if (on) tab.focus();
  }
}

function prettyXml(text) {
  const doc = new DOMParser().parseFromString(text, 'application/xml');
  if (doc.querySelector('parsererror')) return text;
  const walk = (node, depth) => {
    const pad = '  '.repeat(depth);
    const kids = [...node.children];
    if (!kids.length) return `${pad}<${node.nodeName}>${node.textContent.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</${node.nodeName}>`;
    return `${pad}<${node.nodeName}>\n${kids.map((k) => walk(k, depth + 1)).join('\n')}\n${pad}</${node.nodeName}>`;
  };
  return walk(doc.documentElement, 0);
}
function parseAnswer(text, contentType) {
  if (contentType.includes('json')) {
    try {
      const body = JSON.parse(text);
      return { pretty: JSON.stringify(body, null, 2), fields: body };
    } catch { /* fall through */ }
  }
  if (contentType.includes('xml')) {
    const doc = new DOMParser().parseFromString(text, 'application/xml');
    const get = (name) => doc.getElementsByTagName(name)[0]?.textContent;
    return { pretty: prettyXml(text), fields: { Code: get('Code'), Message: get('Message'), RequestId: get('RequestId'), Recommend: get('Recommend') } };
  }
  return { pretty: text, fields: {} };
}
function showAnswer(a) {
  lastAnswer = a;
  $('answer-card').hidden = false;
  const ok = a.status >= 200 && a.status < 300;
  $('answer-status').replaceChildren(el('span', { class: ok ? 'ok' : 'bad', text: `HTTP ${a.status} ${ok ? 'OK' : 'error'}` }), ` · ${a.latency} ms · RequestId ${a.fields.RequestId || '—'}`);
  $('answer-headers').textContent = a.headers.map(([n, v]) => `${n}: ${v}`).join('\n');
  $('answer-body').textContent = $('raw-toggle').checked ? a.raw : a.pretty;
  const err = $('answer-error');
  err.replaceChildren();
  err.hidden = !a.fields.Code;
  if (a.fields.Code) {
    const link = `/explorer/troubleshoot?code=${encodeURIComponent(a.fields.Code)}&requestId=${encodeURIComponent(a.fields.RequestId || '')}`;
    err.append(el('p', {}, el('span', { class: 'code-name', text: a.fields.Code }), `: ${a.fields.Message || ''}`),
      el('p', {}, el('a', { href: link, id: 'troubleshoot-link', text: `How to fix ${a.fields.Code}` })));
  }
}
async function send(event) {
  event?.preventDefault();
  if (!validate()) return;
  if (!$('ak-id').value.trim() || !secrets.secret) {
    $('status-line').textContent = 'Enter the AccessKeyId and AccessKeySecret first.';
    $(!$('ak-id').value.trim() ? 'ak-id' : 'ak-secret').focus();
    return;
  }
  $('status-line').textContent = 'Signing…';
  const req = await sign();
  $('results').hidden = false;
  showInspector(req);
  $('status-line').textContent = 'Sending…';
  const started = performance.now();
  let answer;
  try {
    const response = await fetch(req.url, {
      method: req.method, headers: req.headers, body: req.body || undefined,
      credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer', redirect: 'error',
    });
    const raw = await response.text();
    const latency = Math.round(performance.now() - started);
    const headers = [...response.headers.entries()];
    answer = { status: response.status, latency, headers, raw, ...parseAnswer(raw, response.headers.get('content-type') || '') };
  } catch (e) {
    answer = { status: 0, latency: Math.round(performance.now() - started), headers: [], raw: String(e), pretty: String(e), fields: {} };
  }
  showAnswer(answer);
  $('status-line').textContent = answer.status ? `Answered HTTP ${answer.status}.` : 'The request failed before an answer.';
  await showSnippets();
  addHistory(answer);
}
async function signOnly() {
  if (!validate()) return;
  if (!$('ak-id').value.trim() || !secrets.secret) {
    $('status-line').textContent = 'Enter the AccessKeyId and AccessKeySecret first.';
    return;
  }
  const req = await sign();
  $('results').hidden = false;
  $('answer-card').hidden = true;
  showInspector(req);
  await showSnippets();
  $('status-line').textContent = 'Signed only: nothing was sent.';
}

// ---- history and deep links ----------------------------------------------------------------
function publicValues() {
  const out = {};
  for (const { param, value } of formValues()) if (value !== '' && !param.secret) out[param.name] = value;
  return out;
}
function secretValues() {
  const out = {};
  for (const { param, value } of formValues()) if (value !== '' && param.secret) out[param.name] = value;
  return out;
}
function loadHistory() {
  try {
    return JSON.parse(sessionStorage.getItem(HISTORY_KEY) || '[]');
  } catch {
    return [];
  }
}
function addHistory(answer) {
  const id = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  secretParamsById.set(id, secretValues());
  const entry = { id, op: current.name, params: publicValues(), options: requestOptions(), status: answer.status, code: answer.fields.Code || null, at: new Date().toISOString() };
  const list = [entry, ...loadHistory()].slice(0, HISTORY_MAX);
  sessionStorage.setItem(HISTORY_KEY, JSON.stringify(list));
  renderHistory();
}
function renderHistory() {
  const list = loadHistory();
  const box = $('history');
  box.replaceChildren();
  $('history-empty').hidden = list.length > 0;
  for (const h of list) {
    const ok = h.status >= 200 && h.status < 300;
    box.append(el('li', {},
      el('span', { class: ok ? 'ok' : 'bad', text: ok ? '✓' : '✗', 'aria-label': ok ? 'succeeded' : 'failed' }),
      el('span', { text: `${h.op} ${h.code || h.status}` }),
      el('button', { type: 'button', 'data-refill': h.id, 'aria-label': `Fill: ${h.op} from ${h.at}`, text: 'Fill' }),
      el('button', { type: 'button', 'data-resend': h.id, 'aria-label': `Send again: ${h.op} from ${h.at}`, text: 'Send again' })));
  }
}
function refill(id) {
  const h = loadHistory().find((x) => x.id === id);
  if (!h) return null;
  selectOperation(h.op, false);
  setFormValues({ ...h.params, ...(secretParamsById.get(id) || {}) });
  for (const [k, v] of Object.entries(h.options || {})) {
    const map = { signing: 'signing', method: 'http-method', format: 'format' };
    if (map[k]) $(map[k]).value = v;
  }
  writeHash();
  return h;
}
function writeHash() {
  const parts = [`op=${encodeURIComponent(current.name)}`];
  for (const [k, v] of Object.entries(publicValues())) parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  // replaceState: a link, not a history entry per keystroke (and never a secret: see publicValues).
  history.replaceState(null, '', `#${parts.join('&')}`);
}
function readHash() {
  const text = location.hash.slice(1);
  if (!text) return;
  const pairs = text.split('&').map((kv) => kv.split('=').map((s) => decodeURIComponent(s || '')));
  const op = pairs.find(([k]) => k === 'op')?.[1];
  if (!op || !api.operations.some((o) => o.name === op)) return;
  selectOperation(op, false);
  const secretNames = new Set(current.params.filter((p) => p.secret).map((p) => p.name));
  const values = {};
  for (const [k, v] of pairs) if (k !== 'op' && !secretNames.has(k)) values[k] = v;
  setFormValues(values);
}
function selectOperation(name, updateHash = true) {
  const op = api.operations.find((o) => o.name === name);
  if (!op) return;
  current = op;
  renderForm();
  if (updateHash) writeHash();
}

// ---- wiring --------------------------------------------------------------------------------
async function copy(text, button) {
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = 'Copied';
  } catch {
    button.textContent = 'Copy failed: select the text instead';
  }
}
function init() {
  document.title = `API Explorer · ${api.title}`;
  $('api-title').textContent = `${api.title} ${api.version}`;
  $('insecure-banner').hidden = backend.name === 'webcrypto';
  initTheme();
  initCredentials();
  renderOperations();
  renderForm();
  readHash();
  renderHistory();
  $('operations').addEventListener('click', (e) => {
    const a = e.target.closest('a[data-op]');
    if (!a) return;
    e.preventDefault();
    selectOperation(a.dataset.op);
    $('op-title').focus();
  });
  $('op-title').tabIndex = -1;
  $('search').addEventListener('input', renderOperations);
  $('search').addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      const first = $('operations').querySelector('a[data-op]');
      if (first) { e.preventDefault(); selectOperation(first.dataset.op); $('op-title').focus(); }
    }
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === '/' && !['INPUT', 'TEXTAREA', 'SELECT'].includes(document.activeElement.tagName)) {
      e.preventDefault();
      $('search').focus();
    }
  });
  $('required-only').addEventListener('change', applyRequiredOnly);
  $('fill-example').addEventListener('click', () => { fillExamples(); writeHash(); });
  $('params').addEventListener('change', writeHash);
  $('params').addEventListener('input', writeHash);
  $('op-form').addEventListener('submit', send);
  $('sign-only').addEventListener('click', signOnly);
  $('copy-link').addEventListener('click', (e) => { writeHash(); copy(location.href, e.target); });
  $('form-errors').addEventListener('click', (e) => {
    const a = e.target.closest('a[data-focus]');
    if (a) { e.preventDefault(); $(a.dataset.focus).focus(); }
  });
  $('raw-toggle').addEventListener('change', () => { if (lastAnswer) showAnswer(lastAnswer); });
  $('copy-request-id').addEventListener('click', (e) => copy(lastAnswer?.fields.RequestId || '', e.target));
  $('sample-tabs').addEventListener('click', (e) => { const t = e.target.closest('[role="tab"]'); if (t) selectTab(t.dataset.id); });
  $('sample-tabs').addEventListener('keydown', (e) => {
    const tabs = [...$('sample-tabs').querySelectorAll('[role="tab"]')];
    const at = tabs.findIndex((t) => t.getAttribute('aria-selected') === 'true');
    const next = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: tabs.length - 1 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    selectTab(tabs[(next + tabs.length) % tabs.length].dataset.id);
  });
  $('sample-panels').addEventListener('click', (e) => {
    const b = e.target.closest('[data-copy]');
    if (b) copy($(b.dataset.copy).textContent, b);
  });
  $('history').addEventListener('click', async (e) => {
    const fillBtn = e.target.closest('[data-refill]');
    const again = e.target.closest('[data-resend]');
    if (fillBtn) refill(fillBtn.dataset.refill);
    if (again && refill(again.dataset.resend)) await send();
  });
  window.addEventListener('hashchange', readHash);
  document.documentElement.dataset.ready = 'true';
}

init();
