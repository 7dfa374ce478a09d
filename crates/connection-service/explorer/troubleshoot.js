// The troubleshoot page: one entry per error code of the spec (common protocol codes and every
// operation's business codes), with the cause and the fix; `?code=…&requestId=…` (the link in
// `Recommend` of every error answer) puts that code's entry first.

import api from './generated/api.js';

const $ = (id) => document.getElementById(id);
const THEME_KEY = 'dataworks-explorer-theme';

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

/** Every code once: the common ones first, then each operation's, with the operations using it. */
export function entries() {
  const byCode = new Map();
  for (const e of api.commonErrors) byCode.set(e.code, { ...e, operations: ['every operation'] });
  for (const op of api.operations) {
    for (const e of op.errors) {
      const known = byCode.get(e.code);
      if (!known) byCode.set(e.code, { ...e, operations: [op.name] });
      else if (!known.operations.includes('every operation') && !known.operations.includes(op.name)) known.operations.push(op.name);
    }
  }
  return [...byCode.values()];
}

function anchor(code) {
  return `code-${code.replace(/[^A-Za-z0-9]/g, '-')}`;
}

function details(e) {
  return el('dl', {},
    el('dt', { text: 'HTTP status' }), el('dd', { text: String(e.httpStatus ?? '') }),
    el('dt', { text: 'Message' }), el('dd', {}, el('code', { text: e.message })),
    el('dt', { text: 'Cause' }), el('dd', { text: e.description || '' }),
    el('dt', { text: 'Fix' }), el('dd', { class: 'fix', text: e.fix }),
    el('dt', { text: 'Answered by' }), el('dd', { text: e.operations.join(', ') }));
}

function init() {
  const saved = sessionStorage.getItem(THEME_KEY);
  if (saved) document.documentElement.dataset.theme = saved;
  const dark = () => (document.documentElement.dataset.theme ? document.documentElement.dataset.theme === 'dark' : matchMedia('(prefers-color-scheme: dark)').matches);
  const show = () => { $('theme-toggle').setAttribute('aria-pressed', String(dark())); $('theme-toggle').textContent = dark() ? 'Light mode' : 'Dark mode'; };
  show();
  $('theme-toggle').addEventListener('click', () => {
    const next = dark() ? 'light' : 'dark';
    document.documentElement.dataset.theme = next;
    sessionStorage.setItem(THEME_KEY, next);
    show();
  });

  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  const requestId = params.get('requestId');
  const all = entries();
  const list = $('entries');
  for (const e of all) {
    list.append(el('section', { class: `entry${e.code === code ? ' current' : ''}`, id: anchor(e.code), 'aria-labelledby': `${anchor(e.code)}-h` },
      el('h3', { id: `${anchor(e.code)}-h`, text: e.code }), details(e)));
  }
  if (code) {
    const found = all.find((e) => e.code === code);
    $('current').hidden = false;
    $('current-title').textContent = found ? `${code}` : `${code}: not a code of this API`;
    $('current-request').textContent = requestId ? `RequestId ${requestId} (quote it to the operator: the server log has the details under it).` : '';
    if (found) $('current-entry').replaceChildren(...details(found).childNodes);
    else $('current-entry').replaceChildren(el('dd', { text: 'This code is not in the API description. The list below has every code this server answers with.' }));
    document.title = `${code} · Troubleshoot · DataWorks Connection API`;
  }
}

init();
