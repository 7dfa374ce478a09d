// The API Explorer in Debian's headless chromium against a real dataworks-server: every
// operation filled, signed (V3 and v1), sent and its answer rendered; the reference text's
// Update example in a Create → Update → List → Delete cycle; a wrong secret and its troubleshoot
// page; the page's checks against the server's own messages; the Python and Rust snippets run;
// and on every request the page sent: no secret, no other origin. No console errors, no serious
// accessibility violation. Screenshots land in target/explorer-screenshots/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync, mkdirSync, copyFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { startServer, startBrowser, ensureScreenshotDir, sdkPython, ROOT } from './harness.mjs';
import { verifyAll, WIRE_VECTORS } from './vectors.mjs';
import { buildSignedRequest } from '../../crates/connection-service/explorer/signer.js';
import { pureBackend } from '../../crates/connection-service/explorer/hash.js';
import api from '../../crates/connection-service/explorer/generated/api.js';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const RECORDS = JSON.parse(readFileSync(join(ROOT, 'crates/acs-protocol/tests/data/sdk-signature-vectors.json'), 'utf8'));
const INSECURE_HOST = 'explorer-e2e.test';

let server;
let browser;
const shots = [];
/** Every secret the page was given during the run (the real one and the deliberately wrong one). */
const secretsUsed = new Set();

before(async () => {
  server = await startServer();
  secretsUsed.add(server.secret);
  browser = await startBrowser([`--host-resolver-rules=MAP ${INSECURE_HOST} 127.0.0.1`]);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function openExplorer(hash = '', origin = server.origin) {
  const page = await browser.context.newPage();
  await page.goto(`${origin}/explorer${hash}`);
  await page.waitForSelector('html[data-ready="true"]');
  return page;
}

async function credentials(page, secret = server.secret) {
  secretsUsed.add(secret);
  await page.fill('#ak-id', server.accessKeyId);
  await page.fill('#ak-secret', secret);
}

async function options(page, { signing = 'v3', method = 'GET', format = 'JSON' } = {}) {
  await page.selectOption('#signing', signing);
  await page.selectOption('#http-method', method);
  await page.selectOption('#format', format);
}

async function selectOp(page, name) {
  await page.click(`#operations a[data-op="${name}"]`);
  await page.waitForFunction((n) => document.getElementById('op-title').textContent === n, name);
}

async function fill(page, values) {
  for (const [name, value] of Object.entries(values)) {
    const field = page.locator(`#p-${name}`);
    if ((await field.evaluate((e) => e.tagName)) === 'SELECT') await field.selectOption(String(value));
    else await field.fill(String(value));
  }
}

/** Clicks `selector` and waits for the answer; returns what the page shows. */
async function sendWith(page, selector = '#send') {
  await page.evaluate(() => { document.getElementById('status-line').textContent = ''; });
  await page.click(selector);
  await page.waitForFunction(() => /Answered HTTP|failed before|Signed only|would be refused|Enter the AccessKey/.test(document.getElementById('status-line').textContent)
    || !document.getElementById('form-errors').hidden);
  return answerShown(page);
}

async function answerShown(page) {
  return page.evaluate(() => ({
    status: document.getElementById('answer-status').textContent,
    body: document.getElementById('answer-body').textContent,
    error: document.getElementById('answer-error').hidden ? '' : document.getElementById('answer-error').textContent,
    formErrors: document.getElementById('form-errors').hidden ? '' : document.getElementById('form-errors').textContent,
    inspector: {
      scheme: document.getElementById('insp-scheme').textContent,
      canonical: document.getElementById('insp-canonical').textContent,
      stringToSign: document.getElementById('insp-sts').textContent,
      signedHeaders: document.getElementById('insp-headers').textContent,
      signature: document.getElementById('insp-signature').textContent,
    },
    statusLine: document.getElementById('status-line').textContent,
  }));
}

async function screenshot(page, name) {
  const dir = ensureScreenshotDir();
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    const path = join(dir, `${name}-${scheme}.png`);
    await page.screenshot({ path, fullPage: true });
    shots.push(path);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

async function axe(page, label) {
  // Through the DevTools protocol: the page's CSP (rightly) refuses inline scripts.
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(() => globalThis.axe.run(document, { resultTypes: ['violations'] }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${label}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), []);
}

/** Values for an operation's required parameters: the spec's examples with this server's ids. */
function valuesFor(op, known) {
  const out = {};
  for (const p of op.params) {
    if (known[p.name] !== undefined && (p.required || known.optional?.includes(p.name))) out[p.name] = known[p.name];
    else if (p.required && p.example !== null && p.example !== undefined) out[p.name] = p.example;
  }
  return out;
}

test('the explorer answers with its security headers and weighs at most 60 KB gzipped', async () => {
  const index = await fetch(`${server.origin}/explorer`);
  assert.equal(index.status, 200);
  const csp = index.headers.get('content-security-policy');
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.equal(index.headers.get('referrer-policy'), 'no-referrer');
  assert.equal(index.headers.get('x-content-type-options'), 'nosniff');
  const html = await index.text();
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
  const assets = ['/explorer', '/explorer/troubleshoot', ...[...html.matchAll(/(?:src|href)="(\/explorer\/[^"]+)"/g)].map((m) => m[1]),
    '/explorer/signer.js', '/explorer/hash.js', '/explorer/snippets.js', '/explorer/generated/api.js', '/explorer/troubleshoot.js'];
  let gz = 0;
  for (const path of new Set(assets)) {
    const r = await fetch(server.origin + path);
    assert.equal(r.status, 200, path);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff', path);
    gz += gzipSync(Buffer.from(await r.arrayBuffer()), { level: 9 }).length;
  }
  console.log(`explorer assets: ${gz} bytes gzipped`);
  assert.ok(gz <= 60 * 1024, `${gz} bytes gzipped`);
  assert.match(server.stdout(), new RegExp(`API Explorer.*http://127\\.0\\.0\\.1:${server.port}/explorer`));
});

test('the signer passes every published vector inside the page (WebCrypto and pure JS)', async () => {
  const page = await openExplorer();
  for (const backendName of ['webcrypto', 'pure-js']) {
    const failures = await page.evaluate(verifyAll, {
      records: RECORDS, wireVectors: WIRE_VECTORS, backendName,
      signerUrl: '/explorer/signer.js', hashUrl: '/explorer/hash.js',
    });
    assert.deepEqual(failures, [], backendName);
  }
  assert.equal(await page.isHidden('#insecure-banner'), true, 'localhost is a secure context');
  await page.close();
});

test('every operation: fill, sign (V3 GET and v1 POST), send, answer rendered; screenshots', async () => {
  const page = await openExplorer();
  await credentials(page);
  await axe(page, 'empty form');
  for (const [signing, method] of [['v3', 'GET'], ['v1', 'POST']]) {
    await options(page, { signing, method });
    const name = `e2e_${signing}_${Date.now()}`;
    await selectOp(page, 'CreateConnection');
    await fill(page, valuesFor(api.operations.find((o) => o.name === 'CreateConnection'), { ProjectId: server.projectId, Name: name }));
    if (signing === 'v3') await screenshot(page, 'CreateConnection-form');
    const created = await sendWith(page);
    assert.match(created.status, /HTTP 200/, JSON.stringify(created));
    const connectionId = JSON.parse(created.body).Data;
    assert.ok(Number(connectionId) > 0, created.body);
    assert.equal(created.inspector.scheme, signing === 'v3' ? 'V3 ACS3-HMAC-SHA256' : 'v1 HMAC-SHA1');
    if (signing === 'v3') await screenshot(page, 'CreateConnection-answer');
    const known = { ProjectId: server.projectId, ConnectionId: connectionId, DatasourceName: name, ResourceGroup: 'default', EnvType: 1 };
    const order = [...api.operations.filter((o) => !['CreateConnection', 'DeleteConnection'].includes(o.name)), api.operations.find((o) => o.name === 'DeleteConnection')];
    for (const op of order) {
      await selectOp(page, op.name);
      await fill(page, valuesFor(op, known));
      if (signing === 'v3') await screenshot(page, `${op.name}-form`);
      const shown = await sendWith(page);
      assert.equal(shown.formErrors, '', `${op.name}: the page refused its own example values`);
      assert.match(shown.status, /HTTP \d{3} .*RequestId [0-9A-F-]{36}/, `${op.name}: ${JSON.stringify(shown)}`);
      if (['UpdateConnection', 'ListConnections', 'DeleteConnection', 'TestNetworkConnection'].includes(op.name)) {
        assert.match(shown.status, /HTTP 200/, `${op.name}: ${shown.body}`);
        assert.equal(JSON.parse(shown.body).Success, true, shown.body);
      }
      if (op.name === 'ListConnections') assert.ok(shown.body.includes(name), shown.body);
      assert.match(shown.inspector.signature, signing === 'v3' ? /^[0-9a-f]{64}$/ : /^[A-Za-z0-9+/]{27}=$/);
      if (signing === 'v3') await screenshot(page, `${op.name}-answer`);
    }
  }
  await axe(page, 'answer shown');
  await page.close();
});

test('Create → Update with the reference example (Status 0, EnvType 1, Description abc) → List shows it → Delete', async () => {
  const page = await openExplorer();
  await credentials(page);
  const name = `reference_${Date.now()}`;
  await selectOp(page, 'CreateConnection');
  await page.click('#fill-example');
  await fill(page, { ProjectId: server.projectId, Name: name, EnvType: 1 });
  const created = await sendWith(page);
  assert.match(created.status, /HTTP 200/, created.body);
  const id = JSON.parse(created.body).Data;

  await selectOp(page, 'UpdateConnection');
  await page.click('#fill-example');
  await fill(page, { ConnectionId: id, Status: '0', EnvType: 1, Description: 'abc' });
  const updated = await sendWith(page);
  assert.match(updated.status, /HTTP 200/, updated.body);
  assert.equal(JSON.parse(updated.body).Data, true);

  await selectOp(page, 'ListConnections');
  await fill(page, { ProjectId: server.projectId, Name: name });
  const listed = await sendWith(page);
  const row = JSON.parse(listed.body).Data.Connections.find((c) => c.Id === id);
  assert.ok(row, listed.body);
  assert.equal(row.Description, 'abc');
  assert.equal(row.EnvType, 1);
  assert.equal(row.Status, 1);

  // The same request in XML renders as XML.
  await options(page, { format: 'XML' });
  const xml = await sendWith(page);
  assert.match(xml.body, /^<ListConnectionsResponse>/);
  assert.match(xml.body, /<Description>abc<\/Description>/);
  await options(page, { format: 'JSON' });

  await selectOp(page, 'DeleteConnection');
  await fill(page, { ConnectionId: id });
  assert.match((await sendWith(page)).status, /HTTP 200/);
  await selectOp(page, 'ListConnections');
  await fill(page, { ProjectId: server.projectId, Name: name });
  assert.equal(JSON.parse((await sendWith(page)).body).Data.TotalCount, 0);
  await page.close();
});

test('a wrong secret shows SignatureDoesNotMatch, Recommend links to the troubleshoot page, which explains it', async () => {
  const page = await openExplorer();
  await credentials(page, `${server.secret}WRONG`);
  await selectOp(page, 'ListConnections');
  await fill(page, { ProjectId: server.projectId });
  const shown = await sendWith(page);
  assert.match(shown.status, /HTTP 400/);
  assert.match(shown.error, /SignatureDoesNotMatch: Specified signature is not matched with our calculation/);
  const body = JSON.parse(shown.body);
  assert.match(body.Recommend, new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/explorer/troubleshoot\\?code=SignatureDoesNotMatch&requestId=${body.RequestId}$`));
  await screenshot(page, 'SignatureDoesNotMatch-answer');
  await page.click('#troubleshoot-link');
  await page.waitForSelector('#current:not([hidden])');
  assert.equal(await page.textContent('#current-title'), 'SignatureDoesNotMatch');
  const entry = await page.textContent('#current-entry');
  assert.match(entry, /secret is wrong/);
  assert.match(entry, /string to sign/);
  assert.match(await page.textContent('#current-request'), new RegExp(body.RequestId));
  // One entry per error code of the spec, common codes included.
  const codes = new Set([...api.commonErrors, ...api.operations.flatMap((o) => o.errors)].map((e) => e.code));
  const listed = await page.$$eval('#entries .entry h3', (hs) => hs.map((h) => h.textContent));
  assert.deepEqual(new Set(listed), codes);
  assert.equal(listed.length, codes.size);
  assert.ok(codes.has('MissingParameter') && codes.has('Invalid.Tenant.UserNotInTenant'));
  await screenshot(page, 'troubleshoot-SignatureDoesNotMatch');
  await axe(page, 'troubleshoot page');
  await page.close();
});

test('every error answer carries a Recommend link for its code (JSON and XML, any layer)', async () => {
  const sign = (action, params, extra = {}) => buildSignedRequest({
    action, version: api.version, params, accessKeyId: server.accessKeyId, secret: server.secret,
    host: `127.0.0.1:${server.port}`, backend: pureBackend, ...extra,
  });
  const cases = [
    [await sign('DeleteConnection', [['ConnectionId', '999999']]), 'Invalid.Tenant.ConnectionNotExists'],
    [await sign('ListConnections', [], { format: 'XML' }), 'MissingParameter'],
    [await sign('NoSuchAction', []), 'InvalidAction.NotFound'],
  ];
  for (const [req, code] of cases) {
    const r = await fetch(server.origin + req.url, { method: req.method, headers: req.headers, body: req.body || undefined });
    const text = await r.text();
    const link = /"Recommend":"([^"]+)"|<Recommend>([^<]+)<\/Recommend>/.exec(text);
    assert.ok(link, text);
    const url = new URL(link[1] || link[2].replace(/&amp;/g, '&'));
    assert.equal(url.origin, server.origin);
    assert.equal(url.pathname, '/explorer/troubleshoot');
    assert.equal(url.searchParams.get('code'), code, text);
    assert.equal(url.searchParams.get('requestId'), r.headers.get('x-acs-request-id'));
  }
  const del = await fetch(`${server.origin}/`, { method: 'DELETE' });
  assert.equal(del.status, 405);
  assert.match(await del.text(), /explorer\/troubleshoot\?code=UnsupportedHTTPMethod/);
});

test('the page refuses what the server refuses, in the server\'s words', async () => {
  const page = await openExplorer();
  await credentials(page);
  await selectOp(page, 'ListConnections');
  const cases = [
    [{ ProjectId: '' }, 'ProjectId'],
    [{ ProjectId: server.projectId, PageSize: '101' }, 'PageSize'],
    [{ ProjectId: 'abc' }, 'ProjectId'],
    [{ ProjectId: '0' }, 'ProjectId'],
    [{ ProjectId: server.projectId, Status: 'paused' }, 'Status'],
    [{ ProjectId: server.projectId, Name: 'x'.repeat(256) }, 'Name'],
  ];
  for (const [values, field] of cases) {
    await page.click('#required-only');
    await page.click('#required-only');
    await fill(page, { ProjectId: '', PageSize: '', Status: '', Name: '', ...values });
    const shown = await sendWith(page);
    const pageMessage = await page.textContent(`#p-${field}-error`);
    assert.ok(shown.formErrors.includes(pageMessage), shown.formErrors);
    const req = await buildSignedRequest({
      action: 'ListConnections', version: api.version, params: Object.entries(values).filter(([, v]) => v !== ''),
      accessKeyId: server.accessKeyId, secret: server.secret, host: `127.0.0.1:${server.port}`, backend: pureBackend,
    });
    const answer = await (await fetch(server.origin + req.url, { headers: req.headers })).json();
    assert.equal(pageMessage, answer.Message, `${JSON.stringify(values)}`);
  }
  await screenshot(page, 'validation-form');
  await page.close();
});

test('the Python SDK and Rust client snippets run as shown and succeed', { timeout: 900_000 }, async () => {
  const page = await openExplorer();
  await credentials(page);
  await selectOp(page, 'ListConnections');
  await fill(page, { ProjectId: server.projectId, PageSize: '5' });
  assert.match((await sendWith(page)).status, /HTTP 200/);
  const code = (lang) => page.textContent(`#code-${lang}`);
  const python = await code('python');
  const rust = await code('rust');
  const curl = await code('curl');
  for (const snippet of [python, rust, curl, await code('cli'), await code('java'), await code('typescript'), await code('go')]) {
    assert.ok(!snippet.includes(server.secret), 'no secret in a snippet');
  }
  assert.match(python, /os\.environ\["ALIBABA_CLOUD_ACCESS_KEY_SECRET"\]/);
  assert.match(curl, /valid ONCE, for 15 minutes/);
  const env = { ...process.env, ALIBABA_CLOUD_ACCESS_KEY_ID: server.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: server.secret };

  // curl's signed URL works once, then the nonce is spent.
  const url = /curl -sS '([^']+)'/.exec(curl)[1];
  assert.ok(url.startsWith(`${server.origin}/?`) && url.includes('Signature='));
  assert.equal((await fetch(url)).status, 200);
  assert.match(await (await fetch(url)).text(), /SignatureNonceUsed/);

  const dir = mkdtempSync(join(tmpdir(), 'explorer-snippets-'));
  writeFileSync(join(dir, 'list.py'), python);
  const out = JSON.parse(execFileSync(sdkPython(), [join(dir, 'list.py')], { env, encoding: 'utf8', timeout: 120_000 }));
  assert.equal(out.Success, true, JSON.stringify(out));
  assert.equal(out.Data.PageSize, 5);

  // v1 as well, through an Update snippet.
  await options(page, { signing: 'v1' });
  await selectOp(page, 'CreateConnection');
  await page.click('#fill-example');
  await fill(page, { ProjectId: server.projectId, Name: `snippet_${Date.now()}` });
  const id = JSON.parse((await sendWith(page)).body).Data;
  await selectOp(page, 'UpdateConnection');
  await page.click('#fill-example');
  await fill(page, { ConnectionId: id, Description: 'from the python snippet' });
  await page.click('#sign-only');
  await page.waitForFunction(() => /Signed only/.test(document.getElementById('status-line').textContent));
  writeFileSync(join(dir, 'update.py'), await code('python'));
  assert.match(await code('python'), /signature_algorithm = "v2"/);
  const updated = JSON.parse(execFileSync(sdkPython(), [join(dir, 'update.py')], { env, encoding: 'utf8', timeout: 120_000 }));
  assert.equal(updated.Data, true, JSON.stringify(updated));

  // The Rust snippet, compiled against this repository's client.
  const crate = join(ROOT, 'target/explorer-rust-snippet');
  mkdirSync(join(crate, 'src'), { recursive: true });
  writeFileSync(join(crate, 'Cargo.toml'), `[package]\nname = "explorer-rust-snippet"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n[workspace]\n\n[dependencies]\ndataworks-client = { path = ${JSON.stringify(join(ROOT, 'crates/dataworks-client'))} }\ntokio = { version = "1", features = ["macros", "rt-multi-thread"] }\n`);
  copyFileSync(join(ROOT, 'Cargo.lock'), join(crate, 'Cargo.lock'));
  writeFileSync(join(crate, 'src/main.rs'), await code('rust'));
  const rustOut = execFileSync('cargo', ['run', '--quiet', '--offline', '--manifest-path', join(crate, 'Cargo.toml')], {
    env: { ...env, CARGO_TARGET_DIR: join(ROOT, 'target') }, encoding: 'utf8', timeout: 840_000, stdio: ['ignore', 'pipe', 'inherit'],
  });
  assert.match(rustOut, /^RequestId=[0-9A-F-]{36} /, rustOut);
  await page.close();
});

test('keyboard only: search, choose, fill, send, read the answer', async () => {
  const page = await openExplorer();
  await credentials(page);
  await page.evaluate(() => document.activeElement.blur());
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'search');
  await page.keyboard.type('PageSize');
  // Every operation with a PageSize parameter, in the spec's order; Enter opens the first.
  const withPageSize = api.operations.filter((o) => o.params.some((p) => p.name === 'PageSize')).map((o) => o.name);
  assert.equal(withPageSize[0], 'ListConnections');
  assert.deepEqual(await page.$$eval('#operations a', (as) => as.map((a) => a.dataset.op)), withPageSize);
  await page.keyboard.press('Enter');
  assert.equal(await page.textContent('#op-title'), 'ListConnections');
  for (let i = 0; i < 3; i++) await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'p-ProjectId');
  await page.keyboard.type(server.projectId);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /Answered HTTP 200/.test(document.getElementById('status-line').textContent));
  // The sample tabs move with the arrow keys.
  await page.focus('#sample-tabs [aria-selected="true"]');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.id), 'java');
  await page.close();
});

test('deep links carry the operation and non-secret parameters; history re-fills and re-sends; sign only sends nothing', async () => {
  const page = await openExplorer(`#op=ListConnections&ProjectId=${server.projectId}&PageSize=7`);
  assert.equal(await page.textContent('#op-title'), 'ListConnections');
  assert.equal(await page.inputValue('#p-PageSize'), '7');
  await credentials(page);
  const before = browser.requests.length;
  await page.click('#sign-only');
  await page.waitForFunction(() => /Signed only/.test(document.getElementById('status-line').textContent));
  assert.ok(browser.requests.slice(before).every((r) => !new URL(r.url).search.includes('Action') && !r.headers['x-acs-action']), 'sign only sent nothing');
  assert.match(await page.textContent('#insp-canonical'), /PageSize=7/);
  await sendWith(page);
  // Content (x-secret) stays out of the link.
  await selectOp(page, 'UpdateConnection');
  await page.click('#fill-example');
  await page.dispatchEvent('#p-Content', 'input');
  const hash = await page.evaluate(() => location.hash);
  assert.match(hash, /op=UpdateConnection/);
  assert.doesNotMatch(hash, /Content|password/);
  // History: fill and send again.
  assert.equal(await page.locator('#history li').count(), 1);
  await page.click('#history [data-resend]');
  await page.waitForFunction(() => document.querySelectorAll('#history li').length === 2);
  assert.equal(await page.textContent('#op-title'), 'ListConnections');
  assert.equal(await page.inputValue('#p-PageSize'), '7');
  const stored = await page.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }) + document.cookie);
  assert.ok(!stored.includes(server.secret), 'no secret in storage unless remembered');
  assert.equal(await page.evaluate(() => localStorage.length), 0);
  // Remember for this tab: sessionStorage only.
  await page.check('#remember');
  assert.ok((await page.evaluate(() => JSON.stringify({ ...sessionStorage }))).includes(server.secret));
  assert.equal(await page.evaluate(() => localStorage.length + document.cookie.length), 0);
  await page.uncheck('#remember');
  assert.ok(!(await page.evaluate(() => JSON.stringify({ ...sessionStorage }))).includes(server.secret));
  await page.close();
});

test('dark mode follows the system and the toggle', async () => {
  const page = await openExplorer();
  const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.emulateMedia({ colorScheme: 'dark' });
  assert.equal(await bg(), 'rgb(15, 20, 25)');
  await page.click('#theme-toggle');
  assert.equal(await bg(), 'rgb(255, 255, 255)');
  assert.equal(await page.getAttribute('#theme-toggle', 'aria-pressed'), 'false');
  await page.click('#theme-toggle');
  assert.equal(await bg(), 'rgb(15, 20, 25)');
  await axe(page, 'dark mode');
  await page.emulateMedia({ colorScheme: 'light' });
  await page.close();
});

test('in an insecure context the pure-JS signer is used, says so, and its requests succeed', async () => {
  const origin = `http://${INSECURE_HOST}:${server.port}`;
  const page = await openExplorer('', origin);
  assert.equal(await page.evaluate(() => Boolean(globalThis.crypto.subtle)), false);
  assert.equal(await page.isVisible('#insecure-banner'), true);
  const failures = await page.evaluate(verifyAll, {
    records: RECORDS, wireVectors: WIRE_VECTORS, backendName: 'pure-js', signerUrl: '/explorer/signer.js', hashUrl: '/explorer/hash.js',
  });
  assert.deepEqual(failures, []);
  await credentials(page);
  await selectOp(page, 'ListConnections');
  await fill(page, { ProjectId: server.projectId });
  assert.match((await sendWith(page)).status, /HTTP 200/);
  await screenshot(page, 'insecure-context-answer');
  await page.close();
});

test('--no-explorer switches the page and the links off', async () => {
  const off = await startServer(['--no-explorer']);
  try {
    assert.notEqual((await fetch(`${off.origin}/explorer`)).status, 200);
    const r = await fetch(`${off.origin}/?Action=ListConnections&Version=2020-05-18`);
    assert.doesNotMatch(await r.text(), /explorer/);
    assert.doesNotMatch(off.stdout(), /API Explorer/);
  } finally {
    await off.stop();
  }
});

test('every request the page sent: same origin, no secret in URL, headers or body; no console errors', async () => {
  const allowed = new Set([server.origin, `http://${INSECURE_HOST}:${server.port}`]);
  assert.ok(browser.requests.length > 20, `${browser.requests.length} requests seen`);
  for (const r of browser.requests) {
    assert.ok(allowed.has(new URL(r.url).origin), `request to another origin: ${r.url}`);
    const headers = JSON.stringify(await r.allHeaders);
    const body = r.postData;
    for (const secret of secretsUsed) {
      for (const [where, text] of [['URL', r.url], ['headers', headers], ['body', body]]) {
        assert.ok(!text.includes(secret) && !text.includes(encodeURIComponent(secret)), `the secret is in the ${where} of ${r.method} ${r.url}`);
      }
    }
  }
  // Chromium logs each 4xx/5xx answer as "Failed to load resource" (a network message, not the
  // page's): those are the deliberate error cases above. Anything else is a real console error.
  const real = browser.consoleErrors.filter((m) => !/^Failed to load resource: the server responded with a status of (400|404|405)/.test(m));
  assert.deepEqual(real, []);
  console.log(`screenshots (${shots.length}) under target/explorer-screenshots/`);
});
