// What the browser suites (test_*.mjs) share: the test stack they skip without, the API
// for setting up, headless Chromium with the page's problems collected, and the runner.
// A suite imports it, registers its tests with test(), then awaits run(), which exits.
//
// Exit 77 (ctest: skipped) without a test stack, without chromium or without the npm
// packages; 1 on any failure.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const SKIP = 77;
export const BASE = (process.env.WARSHA_TEST_URL || '').replace(/\/$/, '');
export const ADMIN_EMAIL = process.env.WARSHA_TEST_ADMIN_EMAIL;
export const ADMIN_PASSWORD = process.env.WARSHA_TEST_ADMIN_PASSWORD;
const CHROMIUM = process.env.WARSHA_CHROMIUM || '/usr/bin/chromium';
export const SHOTS = join(process.env.WARSHA_TEST_ARTIFACT_DIR ||
  join(process.env.WARSHA_SOURCE_DIR || '.', 'build', 'test-artifacts'), 'browser');

if (!BASE || !ADMIN_EMAIL || !ADMIN_PASSWORD) {
  console.log('skip: no test stack (WARSHA_TEST_URL, WARSHA_TEST_ADMIN_EMAIL/PASSWORD)');
  process.exit(SKIP);
}
if (!existsSync(CHROMIUM)) {
  console.log(`skip: no ${CHROMIUM}`);
  process.exit(SKIP);
}
let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch (e) {
  console.log('skip: playwright-core is not installed (npm ci in tests/browser)');
  process.exit(SKIP);
}

// ---------------------------------------------------------------- the API, for setup

export function uniq(n = 10) {
  return Math.random().toString(36).slice(2, 2 + n).padEnd(n, '0');
}

export async function api(method, path, body, token) {
  const headers = {};
  let payload;
  if (body instanceof FormData) {
    payload = body;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  if (token) headers.Authorization = `Bearer ${token}`;
  const r = await fetch(BASE + path, { method, headers, body: payload });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: r.status, body: json, text };
}

export async function expectApi(status, p) {
  const r = await p;
  if (r.status !== status) throw new Error(`API: want ${status}, got ${r.status} ${r.text.slice(0, 400)}`);
  return r.body;
}

export function phone() {
  return '010' + String(Math.floor(Math.random() * 1e8)).padStart(8, '0');
}

export async function register(fields = {}) {
  for (let i = 0; i < 3; i++) {
    const u = { email: `b${uniq(12)}@example.com`, phone: phone(), password: `Pw${uniq(8)}A9z`,
      firstName: 'Browser', lastName: 'User', ...fields };
    const r = await api('POST', '/api/auth/register', u);
    if (r.status === 409) continue;
    if (r.status !== 201) throw new Error(`register: ${r.status} ${r.text}`);
    return { ...u, id: r.body.data.user.id, token: r.body.data.token };
  }
  throw new Error('register: could not find a free phone');
}

export const adminToken = (await expectApi(200, api('POST', '/api/auth/login',
  { email: ADMIN_EMAIL, password: ADMIN_PASSWORD, type: 'admins' }))).data.token;

// ---------------------------------------------------------------- the browser

mkdirSync(SHOTS, { recursive: true });
export const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true,
  args: ['--no-sandbox', '--disable-dev-shm-usage'] });
export const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
export const page = await context.newPage();
export const problems = [];
page.on('dialog', async (d) => { problems.push(`a dialog opened: ${d.message()}`); await d.dismiss(); });
page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
page.on('console', (m) => {
  if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console: ${m.text()}`);
});
page.on('response', (r) => {
  if (r.url().includes('/static/') && r.status() !== 200 && r.status() !== 304) problems.push(`${r.url()}: ${r.status()}`);
});

export async function shot(name) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

export function check(cond, msg) {
  if (!cond) throw new Error(msg);
}

export async function go(path, status = 200) {
  const r = await page.goto(BASE + path);
  check(r.status() === status, `GET ${path}: want ${status}, got ${r.status()}`);
  return r;
}

export async function submit(selector) {
  const [resp] = await Promise.all([page.waitForNavigation(), page.click(selector)]);
  return resp;
}

const tests = [];
export const test = (name, fn) => tests.push([name, fn]);

// Runs the registered tests in order, a screenshot of the page where one fails, then
// exits: 0 when all passed and the page showed no problem.
export async function run() {
  let failed = 0;
  for (const [name, fn] of tests) {
    const t0 = Date.now();
    try {
      await fn();
      console.log(`ok ${name} (${((Date.now() - t0) / 1000).toFixed(2)} s)`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${name}: ${e.stack || e}`);
      try { await shot(`FAIL-${name}`); } catch { /* the page is gone */ }
    }
  }
  if (problems.length) {
    failed++;
    console.log(`FAIL browser_problems:\n  ${problems.join('\n  ')}`);
  }
  await browser.close();
  console.log(`${tests.length - failed} passed, ${failed} failed; screenshots in ${SHOTS}`);
  process.exit(failed ? 1 : 0);
}
