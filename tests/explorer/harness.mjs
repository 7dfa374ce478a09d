// What the end-to-end tests share: a real dataworks-server on a free loopback port with a fresh
// SQLite file (credentials read from its first-start output), and Debian's chromium driven by
// playwright-core with a fresh profile, watching every request and console message the page makes.

import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { chromium } from 'playwright-core';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
export const SERVER_BIN = process.env.DATAWORKS_SERVER_BIN || join(ROOT, 'target/debug/dataworks-server');
export const SCREENSHOTS = join(ROOT, 'target/explorer-screenshots');

export const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

async function freePort() {
  return new Promise((ok, fail) => {
    const s = net.createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

/** Starts the server; resolves once the first-start lines are read and /healthz answers. */
export async function startServer(extraArgs = []) {
  if (!existsSync(SERVER_BIN)) throw new Error(`${SERVER_BIN} is missing: run \`cargo build -p connection-service\` first`);
  const dir = mkdtempSync(join(tmpdir(), 'explorer-e2e-'));
  const port = await freePort();
  const child = spawn(SERVER_BIN, ['serve', '--listen', `127.0.0.1:${port}`, '--database', `sqlite://${join(dir, 'db.sqlite')}`, ...extraArgs], {
    env: { ...process.env, DATAWORKS_MASTER_KEY: '', RUST_LOG: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { err += d; });
  const deadline = Date.now() + 60_000;
  const value = (key) => new RegExp(`^${key}=(\\S+)$`, 'm').exec(out)?.[1];
  while (!(value('ProjectId') && value('AccessKeyId') && value('AccessKeySecret') && /\/explorer|API Explorer/.test(out) || (extraArgs.includes('--no-explorer') && value('AccessKeySecret')))) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}: ${err}`);
    if (Date.now() > deadline) throw new Error(`no first-start output within 60 s: ${out} ${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const origin = `http://127.0.0.1:${port}`;
  while (true) {
    try { if ((await fetch(`${origin}/healthz`)).ok) break; } catch { /* not yet */ }
    if (Date.now() > deadline) throw new Error('/healthz never answered');
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    origin, port, stdout: () => out,
    projectId: value('ProjectId'), accessKeyId: value('AccessKeyId'), secret: value('AccessKeySecret'),
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh chromium profile; `watch(page)` records requests, console errors and page errors. */
export async function startBrowser(extraFlags = []) {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  const profile = mkdtempSync(join(tmpdir(), 'explorer-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_FLAGS, ...extraFlags],
    viewport: { width: 1280, height: 900 },
  });
  const requests = [];
  const consoleErrors = [];
  // Recorded while the page is open: every header as sent (cookies included), the body.
  context.on('request', (r) => requests.push({
    url: r.url(), method: r.method(), postData: r.postData() || '', headers: r.headers(),
    allHeaders: r.allHeaders().catch(() => r.headers()),
  }));
  context.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  context.on('weberror', (e) => consoleErrors.push(String(e.error())));
  return {
    context, requests, consoleErrors,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export function ensureScreenshotDir() {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return SCREENSHOTS;
}

/** The SDK venv of tests/sdk-interop (created by its run.py when missing). */
export function sdkPython() {
  const venv = process.env.DATAWORKS_SDK_VENV || join(ROOT, 'target/sdk-venv');
  const python = join(venv, 'bin/python');
  if (!existsSync(python)) {
    execFileSync('python3', ['-c', `import sys; sys.path.insert(0, 'tests/sdk-interop'); import run; from pathlib import Path; run.ensure_venv(Path(${JSON.stringify(venv)}), sys.executable)`], { cwd: ROOT, stdio: 'inherit' });
  }
  return python;
}
