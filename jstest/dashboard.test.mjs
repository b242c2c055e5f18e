// The web dashboard at /dashboard, driven headless in Chromium against a real
// `imogate dev` (its own Redis, chain, gateway and batcher, so receipts get
// settled and the full proof path runs): an owner logs in and sees the
// numbers the owner API returns; an app key sees no owner view; a good
// receipt pasted into the auditor view is "Verified" (signature, inclusion
// proof, batch root, on-chain root), a tampered one (fee + 1) is rejected
// naming the signature. Screenshots go to .tmp/artifacts/dashboard-*.png.
//
// Needs IMOGATE_BIN and CHROMIUM_BIN (default /usr/bin/chromium); a missing
// one is a failure, never a skip.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, rm, access } from 'node:fs/promises';
import { constants as fsc } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { decodeReceiptHeader, recoverWithEthers, startGateway, postRaw } from './harness.mjs';

const MODEL = 'imogate-demo';
const ROOT = path.resolve(import.meta.dirname, '..');
const ARTIFACTS = path.join(ROOT, '.tmp', 'artifacts');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

const cleanups = [];
after(async () => { for (const f of cleanups.reverse()) await f().catch(() => {}); });

async function requireExecutable(name, file, hint) {
  assert.ok(file, `${name} is not set: ${hint}`);
  try { await access(file, fsc.X_OK); } catch { assert.fail(`${name}=${file} is not an executable file: ${hint}`); }
}

// startDev runs `imogate dev` with a private Redis and returns the banner's values.
async function startDev(bin) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'imogate-dash-'));
  const [gwPort, rpcPort] = [await freePort(), await freePort()];
  const env = { ...process.env };
  delete env.REDIS_URL; // a private redis-server: dev's demo token address is the same every run
  const proc = spawn(bin, ['dev', '--listen', `127.0.0.1:${gwPort}`, '--rpc', `127.0.0.1:${rpcPort}`,
    '--data-dir', dir, '--settle-interval', '1s', '--log-level', 'warn'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  cleanups.push(async () => {
    if (proc.exitCode === null) {
      proc.kill('SIGINT');
      await new Promise((r) => { proc.on('exit', r); setTimeout(r, 10_000); });
    }
    await rm(dir, { recursive: true, force: true });
  });
  let out = '';
  let errOut = '';
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => { errOut += d; });
  const deadline = Date.now() + 60_000;
  while (!out.includes('# API key ')) {
    if (proc.exitCode !== null || Date.now() > deadline) {
      assert.fail(`imogate dev did not print its banner (exit ${proc.exitCode}):\n${out}\n${errOut}`);
    }
    await sleep(100);
  }
  const line = (name) => {
    const m = out.match(new RegExp(`^(?:export )?${name}=(\\S+)`, 'm'));
    assert.ok(m, `no ${name}= line in:\n${out}`);
    return m[1];
  };
  const apiBase = line('OPENAI_BASE_URL');
  return {
    apiBase,
    base: apiBase.replace(/\/v1$/, ''),
    appKey: line('OPENAI_API_KEY'),
    rpcURL: line('CHAIN_RPC_URL'),
    settler: line('SETTLER'),
    admin: out.match(/Bearer (adm_[0-9a-f]+)/)[1],
  };
}

// launchChromium starts headless Chromium with a fresh profile.
async function launchChromium(chromiumBin) {
  // A fresh profile each run (playwright passes it as --user-data-dir).
  const profile = await mkdtemp(path.join(os.tmpdir(), 'imogate-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumBin,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
    viewport: { width: 1200, height: 1000 },
  });
  cleanups.push(async () => { await browser.close(); await rm(profile, { recursive: true, force: true }); });
  return browser;
}

function chromiumPath() {
  return process.env.CHROMIUM_BIN || '/usr/bin/chromium';
}
const CHROMIUM_HINT = "install Debian's chromium (apt-get install chromium) and export CHROMIUM_BIN=/usr/bin/chromium";

test('dashboard: owner view shows the API numbers; auditor view verifies a receipt and rejects a tampered one', { timeout: 180_000 }, async () => {
  await requireExecutable('IMOGATE_BIN', process.env.IMOGATE_BIN,
    'build the gateway (go build -o bin/imogate ./cmd/imogate) and export IMOGATE_BIN=<absolute path>');
  const chromiumBin = chromiumPath();
  await requireExecutable('CHROMIUM_BIN', chromiumBin, CHROMIUM_HINT);
  await mkdir(ARTIFACTS, { recursive: true });

  const dev = await startDev(process.env.IMOGATE_BIN);
  const call = async (method, route, key, body) => {
    const res = await fetch(dev.base + route, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    let json;
    try { json = JSON.parse(text); } catch { /* not JSON */ }
    return { status: res.status, body: json, text, headers: res.headers };
  };

  // An owner key for the demo model, made with the admin API.
  const created = await call('POST', '/admin/keys', dev.admin, { name: 'dash-owner', role: 'owner', models: [MODEL] });
  assert.equal(created.status, 201, created.text);
  const ownerKey = created.body.api_key;

  // A few paid calls with the app key; keep the last receipt.
  let receipt;
  for (let i = 0; i < 3; i++) {
    const r = await call('POST', '/v1/chat/completions', dev.appKey,
      { model: MODEL, messages: [{ role: 'user', content: `dashboard call ${i}` }] });
    assert.equal(r.status, 200, r.text);
    receipt = decodeReceiptHeader(r.headers.get('imogate-receipt'));
  }
  assert.equal(recoverWithEthers(receipt), receipt.signer);

  // Wait until the receipt's batch is settled, so the whole proof path runs.
  let proof;
  for (const until = Date.now() + 45_000; Date.now() < until;) {
    const r = await call('GET', `/v1/receipts/${receipt.id}/proof`, ownerKey);
    if (r.status === 200 && r.body.status === 'settled') { proof = r.body; break; }
    assert.ok(r.status === 200 || r.status === 409, `proof: ${r.status} ${r.text}`);
    await sleep(250);
  }
  assert.ok(proof, 'the receipt was not settled within 45s');

  // What the owner API says, to find in the page.
  const owner = async (route) => {
    const r = await call('GET', `/v1/owner/models/${MODEL}${route}`, ownerKey);
    assert.equal(r.status, 200, `${route}: ${r.status} ${r.text}`);
    return r.body;
  };
  const revenue = await owner('/revenue');
  const keys = await owner('/keys');
  const batches = await owner('/batches');
  assert.ok(BigInt(revenue.metered_wei) > 0n);
  const appRow = keys.data.find((k) => k.role === 'app' && BigInt(k.balance_wei) > 0n);
  assert.ok(appRow, `no app key with a balance in ${JSON.stringify(keys.data)}`);
  const batch = batches.data.find((b) => b.id === proof.batch_id);
  assert.ok(batch, `batch ${proof.batch_id} not listed`);

  const browser = await launchChromium(chromiumBin);
  const page = await browser.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  // HTTP errors the page expects (403 while probing the owner API) are
  // logged by Chromium as "Failed to load resource"; anything else is a bug.
  page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageErrors.push(m.text()); });

  // An app key logs in: no owner view.
  await page.goto(`${dev.base}/dashboard/`);
  await page.fill('#credential', dev.appKey);
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('#auditor:not([hidden])');
  assert.equal(await page.isHidden('#tab-owner'), true, 'an app key sees the owner tab');
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie);
  assert.ok(!stored.includes(dev.appKey), 'the credential was stored in the browser');

  // The owner logs in (a fresh page: the credential is in memory only).
  await page.goto(`${dev.base}/dashboard`);
  await page.fill('#credential', ownerKey);
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('#owner[data-loaded]');
  const text = await page.textContent('#owner');
  for (const [what, v] of [['metered_wei', revenue.metered_wei], ['settled_wei', revenue.settled_wei],
    ['app key balance', appRow.balance_wei], ['app key id', appRow.id], ['batch root', batch.root], ['batch tx hash', batch.tx_hash],
    ['batch fee', batch.fee_wei]]) {
    assert.ok(text.includes(v), `the owner view does not show ${what} ${v}`);
  }
  assert.equal(await page.textContent('[data-testid=metered]'), revenue.metered_wei);
  assert.ok(await page.locator('#chart-calls svg rect').count() >= 24, 'no hourly bars in the calls chart');
  await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-owner.png'), fullPage: true });

  // An owner without the audit API verifies with the operator typed in.
  await page.click('#tab-auditor');
  await page.fill('#receipt-input', JSON.stringify(receipt));
  await page.fill('#rpc-url', dev.rpcURL);
  await page.fill('#operator', dev.settler);
  await page.click('#verify');
  await page.waitForSelector('#verdict:not([hidden])');
  assert.equal(await page.textContent('#verdict'), 'Verified', await page.textContent('#checks'));

  // An auditor key: the auditor view verifies the good receipt, including
  // the on-chain root with the operator the audit API publishes.
  const auditor = await call('POST', '/admin/keys', dev.admin, { name: 'dash-auditor', role: 'auditor', models: ['*'] });
  assert.equal(auditor.status, 201, auditor.text);
  await page.goto(`${dev.base}/dashboard/`);
  await page.fill('#credential', auditor.body.api_key);
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('#auditor:not([hidden])');
  assert.equal(await page.isHidden('#tab-owner'), true, 'an auditor key sees the owner tab');
  await page.fill('#receipt-input', JSON.stringify(receipt, null, 2));
  await page.fill('#rpc-url', dev.rpcURL);
  await page.click('#verify');
  await page.waitForSelector('#verdict:not([hidden])');
  assert.equal(await page.textContent('#verdict'), 'Verified', await page.textContent('#checks'));
  const checks = await page.textContent('#checks');
  for (const c of ['signature', 'inclusion proof', 'batch root', 'on-chain root']) assert.match(checks, new RegExp(`✓ ${c}`), checks);
  await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-verified.png'), fullPage: true });

  // The base64 header value works too.
  await page.fill('#rpc-url', '');
  await page.fill('#receipt-input', Buffer.from(JSON.stringify(receipt)).toString('base64'));
  await page.evaluate(() => { document.getElementById('verdict').hidden = true; });
  await page.click('#verify');
  await page.waitForSelector('#verdict:not([hidden])');
  assert.equal(await page.textContent('#verdict'), 'Verified');

  // A tampered receipt (fee + 1) is rejected, naming the signature.
  const tampered = { ...receipt, fee: (BigInt(receipt.fee) + 1n).toString() };
  await page.fill('#receipt-input', JSON.stringify(tampered, null, 2));
  await page.evaluate(() => { document.getElementById('verdict').hidden = true; });
  await page.click('#verify');
  await page.waitForSelector('#verdict:not([hidden])');
  const verdict = await page.textContent('#verdict');
  assert.match(verdict, /^NOT VALID: signature does not match/);
  assert.match(await page.textContent('#checks'), /✗ signature[\s\S]*✗ inclusion proof/);
  assert.equal(await page.getAttribute('#verdict', 'class'), 'verdict bad');
  await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-tampered.png'), fullPage: true });

  assert.deepEqual(pageErrors, [], 'the page logged errors');
});

// `imogate serve` without a batcher never seals a batch: the proof API
// answers 409 and the page says the receipt is not yet in a batch, after
// checking its signature.
test('dashboard: a receipt not yet in a batch shows its signature check and "not yet in a batch"', { timeout: 60_000 }, async () => {
  const chromiumBin = chromiumPath();
  await requireExecutable('CHROMIUM_BIN', chromiumBin, CHROMIUM_HINT);
  await mkdir(ARTIFACTS, { recursive: true });
  const gw = await startGateway();
  cleanups.push(() => gw.stop());
  const { apiKey } = await gw.createKey({ name: 'dash-unbatched', via: 'http' });
  const r = await postRaw(gw, '/chat/completions', apiKey, JSON.stringify({ model: gw.model, messages: [{ role: 'user', content: 'hi' }] }));
  assert.equal(r.status, 200, r.text);
  const receipt = decodeReceiptHeader(r.headers.get('imogate-receipt'));

  const browser = await launchChromium(chromiumBin);
  const page = await browser.newPage();
  await page.goto(`${gw.baseURL}/dashboard/`);
  await page.fill('#credential', apiKey);
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('#auditor:not([hidden])');
  await page.fill('#receipt-input', JSON.stringify(receipt));
  await page.click('#verify');
  await page.waitForSelector('#verdict:not([hidden])');
  assert.equal(await page.textContent('#verdict'), 'Signature valid — not yet in a batch');
  assert.match(await page.textContent('#checks'), /✓ signature[\s\S]*– inclusion proof not yet in a batch/);
  await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-unbatched.png'), fullPage: true });
});
