// Drives the console in headless Chromium against a running suite, as a person would: find the
// demo model, upload version 2, promote it, set a 90/10 split and watch both versions' traffic,
// predict from the form and see the SHAP bars, look up an entity; a wrong token and a token
// without the admin role show a clear message and change nothing. Screenshots of each step go to
// $SCREENSHOTS. Prints one line "CONSOLE-FIRST-LOAD {...}" (bytes and time to interactive) and
// "CONSOLE-E2E ok" at the end; exits non-zero at the first failed step.
//
// Environment: CONSOLE_URL (http://127.0.0.1:PORT/ui/), ADMIN_TOKEN, PREDICT_TOKEN, MODEL (churn),
// UPLOAD_FILE (a model file for version 2), ENTITY (c-1001), SCREENSHOTS, CHROMIUM (/usr/bin/chromium).
import { chromium } from 'playwright-core';

const env = (name, fallback) => {
  const v = process.env[name] ?? fallback;
  if (v === undefined) throw new Error(`${name} is not set`);
  return v;
};
const URL_ = env('CONSOLE_URL');
const ADMIN = env('ADMIN_TOKEN');
const PREDICT = env('PREDICT_TOKEN');
const MODEL = env('MODEL', 'churn');
const UPLOAD = env('UPLOAD_FILE');
const ENTITY = env('ENTITY', 'c-1001');
const SHOTS = env('SCREENSHOTS');
const API = new URL('/', URL_).toString().replace(/\/$/, '');

const step = (name) => console.log(`CONSOLE-E2E step: ${name}`);
const shot = (page, name) => page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });

async function api(path, init = {}) {
  const res = await fetch(API + path, { ...init, headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json', ...(init.headers || {}) } });
  const body = await res.json();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

async function setToken(page, token) {
  await page.click('#token');
  await page.fill('#token-input', token);
  await page.click('#dialog-ok');
}

async function expect(what, fn, timeoutMs = 15000) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    try {
      if (await fn()) return;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out: ${what}${last ? ` (${last.message})` : ''}`);
}

const browser = await chromium.launch({
  executablePath: env('CHROMIUM', '/usr/bin/chromium'),
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failed = false;
try {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
  const page = await context.newPage();
  const violations = [];
  page.on('console', (m) => {
    if (m.type() === 'error') violations.push(m.text());
  });
  page.on('pageerror', (e) => violations.push(String(e)));

  step('first load');
  const t0 = Date.now();
  await page.goto(URL_);
  await page.waitForSelector('#search');
  const interactive = Date.now() - t0;
  // Bytes of the console's own files (the document and what it loaded from /ui/), as received.
  const load = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const files = performance.getEntriesByType('resource').filter((r) => r.name.includes('/ui/'));
    return {
      files: 1 + files.length,
      bytes: nav.encodedBodySize + files.reduce((n, r) => n + r.encodedBodySize, 0),
      dom_content_loaded_ms: Math.round(nav.domContentLoadedEventEnd),
    };
  });
  console.log(`CONSOLE-FIRST-LOAD ${JSON.stringify({ ...load, time_to_interactive_ms: interactive })}`);

  step('a wrong token: a clear message, nothing shown');
  await setToken(page, 'not-a-token-of-this-suite-at-all');
  await expect('401 message', async () => (await page.textContent('#banner')).includes('A valid token is needed'));
  await shot(page, '01-wrong-token');

  step('the admin token: the demo model is listed');
  await setToken(page, ADMIN);
  await page.fill('#search', MODEL);
  await page.waitForSelector(`a[data-model="${MODEL}"]`);
  await shot(page, '02-models');

  step('upload version 2 with a progress bar');
  await page.click(`a[data-model="${MODEL}"]`);
  await page.waitForSelector('#versions-table');
  await page.click('#tab-upload');
  await page.setInputFiles('#upload-file', UPLOAD);
  await page.fill('#upload-description', 'uploaded from the console test');
  await page.click('#upload-send');
  await expect('version 2 READY', async () => (await page.textContent('#banner')).includes('v2 is READY'), 60000);
  await shot(page, '03-uploaded');

  step('a predict-role token may not promote: a clear message, the alias unchanged');
  await page.click('#tab-steer');
  await page.waitForSelector('#alias-production-move');
  await setToken(page, PREDICT);
  await page.click('#tab-steer');
  await page.waitForSelector('#alias-production-move');
  await page.selectOption('#alias-production-version', '2');
  await page.click('#alias-production-move');
  await page.click('#dialog-ok');
  await expect('403 message', async () => (await page.textContent('#banner')).includes('This token may not do that'));
  await shot(page, '04-forbidden');
  const unchanged = await api(`/v1/models/${MODEL}`);
  if (unchanged.aliases.production !== 1) throw new Error(`production moved without the admin token: ${JSON.stringify(unchanged.aliases)}`);

  step('promote version 2 with the admin token');
  await setToken(page, ADMIN);
  await page.click('#tab-steer');
  await page.waitForSelector('#alias-production-move');
  await page.selectOption('#alias-production-version', '2');
  await page.click('#alias-production-move');
  await expect('the confirmation', async () => (await page.textContent('#dialog-title')).includes('Promote production'));
  await page.click('#dialog-ok');
  await expect('the registry moved production to v2', async () => (await api(`/v1/models/${MODEL}`)).aliases.production === 2);
  await shot(page, '05-promoted');

  step('a 90/10 split, previewed and applied');
  await page.waitForSelector('#split-add');
  await page.click('#split-add');
  await page.click('#split-add');
  const targets = page.locator('.split-target');
  const percents = page.locator('.split-percent');
  await targets.nth(0).selectOption('v:1');
  await percents.nth(0).fill('90');
  await targets.nth(1).selectOption('v:2');
  await percents.nth(1).fill('10');
  await expect('the preview', async () => (await page.textContent('#policy-preview')).includes('v1: — → 90 %'));
  await page.click('#policy-apply');
  await page.click('#dialog-ok');
  await expect('the registry holds 90/10', async () => {
    const p = (await api(`/v1/models/${MODEL}`)).traffic_policy;
    return p && p.splits.length === 2 && p.splits.some((s) => s.version === 1 && s.percent === 90) && p.splits.some((s) => s.version === 2 && s.percent === 10);
  });
  await shot(page, '06-split');

  step('load, and both versions in the live chart');
  const row = [2, 80, 6, 31];
  for (let i = 0; i < 300; i++) {
    await api(`/v1/models/${MODEL}:predict`, { method: 'POST', body: JSON.stringify({ instances: [row] }) });
  }
  await page.click('#tab-live');
  await expect('v1 and v2 in the live data', async () => {
    const t = await api(`/v1/console/traffic/${MODEL}?seconds=300`);
    const sums = new Map(t.series.map((s) => [s.version, s.requests.reduce((a, b) => a + b, 0)]));
    return (sums.get(1) || 0) > 0 && (sums.get(2) || 0) > 0;
  }, 20000);
  await expect('both series drawn', async () => {
    const legend = await page.locator('#live-charts .u-legend').first().textContent();
    return legend.includes('v1') && legend.includes('v2');
  }, 20000);
  await shot(page, '07-live');

  step('a prediction from the form, with its SHAP bars');
  await page.click('#tab-try');
  await page.waitForSelector('#try-form');
  await page.selectOption('#try-version', '1');
  for (let i = 0; i < row.length; i++) await page.fill(`#try-f-${i}`, String(row[i]));
  await page.click('#try-send');
  await page.waitForSelector('#shap-chart rect');
  const bars = await page.locator('#shap-chart rect').count();
  if (bars !== row.length + 1) throw new Error(`SHAP chart has ${bars} bars, wanted ${row.length + 1}`);
  await shot(page, '08-try');

  step('look up an entity');
  await page.click('nav a[data-section="features"]');
  await page.waitForSelector('#feature-view option', { state: 'attached' });
  await page.fill('#feature-entity', ENTITY);
  await page.click('#feature-lookup');
  await page.waitForSelector('#feature-table');
  const statuses = await page.locator('#feature-table tbody tr').count();
  if (statuses < 1) throw new Error('no feature rows');
  if (!(await page.textContent('#feature-table')).includes('present')) throw new Error('no present values');
  await shot(page, '09-features');

  step('dark theme');
  await page.click('#theme');
  await page.click('#theme');
  await page.goto(`${URL_}#/models/${MODEL}/versions`);
  await page.waitForSelector('#versions-table');
  await shot(page, '10-dark');

  const csp = violations.filter((v) => /Content Security Policy|Refused to/i.test(v));
  if (csp.length) throw new Error(`Content-Security-Policy violations: ${csp.join(' | ')}`);
  console.log('CONSOLE-E2E ok');
} catch (e) {
  failed = true;
  console.error(`CONSOLE-E2E failed: ${e.stack || e}`);
  try {
    const pages = browser.contexts().flatMap((c) => c.pages());
    if (pages.length) {
      await pages[0].screenshot({ path: `${SHOTS}/failed.png`, fullPage: true });
      console.error(`CONSOLE-E2E page at failure: ${pages[0].url()}\n${(await pages[0].textContent('body')).slice(0, 2000)}`);
    }
  } catch (e2) {
    console.error(`no failure screenshot: ${e2}`);
  }
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
