// Test harness for imogate's Node cross-language tests.
//
// startGateway() runs a real `$IMOGATE_BIN serve` against the Redis at
// $REDIS_URL with a fresh config (a demo model bound to a random token
// address, so runs never collide in a shared Redis), a random receipt signer
// key and a random admin token. Nothing is mocked: the tests talk HTTP to the
// real binary. Missing IMOGATE_BIN or an unreachable Redis is a test failure,
// never a skip.
import { spawn, execFile } from 'node:child_process';
import { mkdtemp, writeFile, rm, access } from 'node:fs/promises';
import { constants as fsc } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { Wallet, getAddress, keccak256, verifyTypedData } from 'ethers';

const execFileP = promisify(execFile);

// --- EIP-712 receipt (DESIGN.md) --------------------------------------------

// The frozen field order of the Receipt struct.
export const RECEIPT_FIELDS = [
  ['id', 'bytes32'],
  ['model', 'address'],
  ['payer', 'bytes32'],
  ['seq', 'uint64'],
  ['timestamp', 'uint64'],
  ['promptTokens', 'uint32'],
  ['completionTokens', 'uint32'],
  ['fee', 'uint256'],
  ['requestHash', 'bytes32'],
  ['responseHash', 'bytes32'],
];

export const RECEIPT_TYPES = {
  Receipt: RECEIPT_FIELDS.map(([name, type]) => ({ name, type })),
};

// The leaf encoding of StandardMerkleTree for receipts.
export const LEAF_ENCODING = RECEIPT_FIELDS.map(([, type]) => type);

const INT_FIELDS = new Set(['seq', 'timestamp', 'promptTokens', 'completionTokens', 'fee']);

// SECP256K1_N is the order of secp256k1; low-s means s <= N/2.
export const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** Decodes an Imogate-Receipt header value (base64 of the receipt JSON). */
export function decodeReceiptHeader(value) {
  if (typeof value !== 'string' || value === '') {
    throw new Error(`missing Imogate-Receipt header (got ${JSON.stringify(value)})`);
  }
  return JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
}

/** The receipt's struct fields, integers as BigInt (accepted by ethers and viem). */
export function receiptMessage(r) {
  const out = {};
  for (const [name] of RECEIPT_FIELDS) {
    if (!(name in r)) throw new Error(`receipt JSON lacks field ${name}`);
    out[name] = INT_FIELDS.has(name) ? BigInt(r[name]) : r[name];
  }
  return out;
}

/** The receipt's EIP-712 domain, chainId as BigInt. */
export function receiptDomain(r) {
  const d = r.domain;
  return { name: d.name, version: d.version, chainId: BigInt(d.chainId), verifyingContract: d.verifyingContract };
}

/** Recovers the signer of a receipt JSON object with ethers v6. */
export function recoverWithEthers(r, message = receiptMessage(r), domain = receiptDomain(r)) {
  return verifyTypedData(domain, RECEIPT_TYPES, message, r.signature);
}

/** The receipt's fields in leaf order, for StandardMerkleTree. */
export function receiptLeaf(r) {
  return RECEIPT_FIELDS.map(([name]) => (INT_FIELDS.has(name) ? BigInt(r[name]).toString() : r[name]));
}

/** keccak256 of bytes (Uint8Array/Buffer/ArrayBuffer) or of a string's UTF-8 bytes. */
export function keccakBytes(x) {
  if (typeof x === 'string') return keccak256(Buffer.from(x, 'utf8'));
  if (x instanceof ArrayBuffer) return keccak256(new Uint8Array(x));
  return keccak256(x);
}

// Splits a raw SSE stream (bytes) at the event that carries the receipt: the
// last "data: " event whose JSON has a "receipt" field. Returns the bytes
// before that event, the parsed event and what follows it.
export function splitAtReceiptEvent(bytes) {
  const buf = Buffer.from(bytes);
  const text = buf.toString('latin1'); // 1 char per byte: indices are byte offsets
  let at = -1;
  let search = text.length;
  while (search > 0) {
    const i = text.lastIndexOf('data: ', search - 1);
    if (i < 0) break;
    if (i === 0 || text[i - 1] === '\n') {
      const end = text.indexOf('\n\n', i);
      const data = Buffer.from(text.slice(i + 6, end < 0 ? undefined : end), 'latin1').toString('utf8');
      if (data.startsWith('{')) {
        try {
          const ev = JSON.parse(data);
          if (ev && typeof ev === 'object' && 'receipt' in ev) {
            at = i;
            return { before: buf.subarray(0, at), event: ev, after: text.slice(end < 0 ? text.length : end) };
          }
        } catch { /* not JSON: keep looking */ }
      }
    }
    search = i;
  }
  throw new Error(`no SSE event carrying "receipt" in the stream:\n${text.slice(-2000)}`);
}

// --- gateway process ----------------------------------------------------------

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// redisPing checks that REDIS_URL answers PING, so an unreachable Redis is
// reported as such and not as a gateway that never got ready.
async function redisPing(url) {
  const u = new URL(url);
  const host = u.hostname || '127.0.0.1';
  const port = Number(u.port || 6379);
  await new Promise((resolve, reject) => {
    const sock = net.connect({ host, port });
    const timer = setTimeout(() => { sock.destroy(); reject(new Error(`Redis at ${host}:${port} did not answer within 3s`)); }, 3000);
    let got = '';
    sock.on('connect', () => {
      if (u.password) {
        const user = decodeURIComponent(u.username || 'default');
        sock.write(`AUTH ${user} ${decodeURIComponent(u.password)}\r\n`);
      }
      sock.write('PING\r\n');
    });
    sock.on('data', (d) => {
      got += d.toString();
      if (got.includes('+PONG')) { clearTimeout(timer); sock.end(); resolve(); }
      else if (got.includes('-')) { clearTimeout(timer); sock.destroy(); reject(new Error(`Redis at ${host}:${port} refused PING: ${got.trim()}`)); }
    });
    sock.on('error', (e) => { clearTimeout(timer); reject(new Error(`Redis at ${host}:${port} is not reachable: ${e.message}`)); });
  });
}

/** Checks IMOGATE_BIN and REDIS_URL; throws (never skips) when either is missing. */
export async function requireEnv() {
  const bin = process.env.IMOGATE_BIN;
  if (!bin) {
    throw new Error('IMOGATE_BIN is not set: build the gateway (go build -o bin/imogate ./cmd/imogate) and export IMOGATE_BIN=<absolute path>');
  }
  try {
    await access(bin, fsc.X_OK);
  } catch {
    throw new Error(`IMOGATE_BIN=${bin} is not an executable file`);
  }
  const redisURL = process.env.REDIS_URL;
  if (!redisURL) throw new Error('REDIS_URL is not set: export REDIS_URL=redis://127.0.0.1:6379/0 (a reachable Redis)');
  await redisPing(redisURL);
  return { bin, redisURL };
}

export const MODEL = 'demo';
export const PRICE = { perRequest: 1000n, per1KPrompt: 2000n, per1KCompletion: 4000n };

/** The fee of a call per DESIGN.md's price: per request + each class per 1k, rounded up. */
export function expectedFee(promptTokens, completionTokens) {
  const ceilDiv = (a, b) => (a + b - 1n) / b;
  return PRICE.perRequest
    + ceilDiv(PRICE.per1KPrompt * BigInt(promptTokens), 1000n)
    + ceilDiv(PRICE.per1KCompletion * BigInt(completionTokens), 1000n);
}

/**
 * Starts a gateway. Returns an object with baseURL, model, token, signer
 * (ethers Wallet), adminToken, settlement, helpers (createKey, admin, balance)
 * and stop().
 */
export async function startGateway({ model = MODEL, signerKeyWith0x = false } = {}) {
  const { bin, redisURL } = await requireEnv();
  const port = await freePort();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'imogate-jstest-'));
  const token = getAddress('0x' + randomBytes(20).toString('hex'));
  const settlement = getAddress('0x' + randomBytes(20).toString('hex'));
  const signer = Wallet.createRandom();
  const adminToken = 'adm_' + randomBytes(24).toString('hex');
  const configPath = path.join(dir, 'imogate.yaml');
  await writeFile(configPath, `# written by jstest/harness.mjs
listen: "127.0.0.1:${port}"
redis:
  url: "${redisURL}"
chain:
  chain_id: 1337
  settlement_contract: "${settlement}"
signer:
  env: IMOGATE_SIGNER_KEY
admin:
  token:
    env: IMOGATE_ADMIN_TOKEN
log:
  level: warn
models:
  - name: ${model}
    token: "${token}"
    backend: demo
    demo:
      latency: 0s
      token_latency: 0s
    price:
      per_request_wei: "1000"
      per_1k_prompt_wei: "2000"
      per_1k_completion_wei: "4000"
    max_tokens: 256
`);
  // The child sees no IMOGATE_* variable but ours (env overrides beat the file).
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('IMOGATE_')));
  // The gateway accepts the key with or without 0x; the tests use both.
  env.IMOGATE_SIGNER_KEY = signerKeyWith0x ? signer.privateKey : signer.privateKey.slice(2);
  env.IMOGATE_ADMIN_TOKEN = adminToken;

  const child = spawn(bin, ['serve', '-c', configPath], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let logs = '';
  const keep = (d) => { logs += d.toString(); if (logs.length > 200_000) logs = logs.slice(-100_000); };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = null;
  const exitP = new Promise((resolve) => child.on('exit', (code, sig) => { exited = { code, sig }; resolve(exited); }));

  const baseURL = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (exited) {
      await rm(dir, { recursive: true, force: true });
      throw new Error(`imogate serve exited (code ${exited.code}, signal ${exited.sig}) before it was ready:\n${logs}`);
    }
    try {
      const r = await fetch(`${baseURL}/readyz`, { signal: AbortSignal.timeout(1000) });
      if (r.status === 200) break;
      await r.arrayBuffer();
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
      throw new Error(`imogate serve did not answer GET /readyz with 200 within 15s:\n${logs}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  const gw = {
    baseURL,
    apiBase: `${baseURL}/v1`,
    port,
    model,
    token,
    settlement,
    signer,
    adminToken,
    configPath,
    logs: () => logs,

    /** Calls an admin route with the admin token; returns {status, body}. */
    async admin(method, route, body) {
      const r = await fetch(baseURL + route, {
        method,
        headers: { authorization: `Bearer ${adminToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await r.text();
      let json;
      try { json = JSON.parse(text); } catch { json = undefined; }
      return { status: r.status, body: json, text };
    },

    /** The account's balance for the model (BigInt), via the admin API. */
    async balance(keyId) {
      const r = await gw.admin('GET', `/admin/accounts/${encodeURIComponent(keyId)}/balance?model=${encodeURIComponent(model)}`);
      if (r.status !== 200) throw new Error(`GET balance of ${keyId}: ${r.status} ${r.text}`);
      return BigInt(r.body.balance_wei);
    },

    /**
     * Creates an app API key. via "cli" uses `imogate keys create --json`,
     * via "http" the admin API. creditWei 0 leaves the balance at zero.
     * Returns {id, apiKey, key}.
     */
    async createKey({ name = 'js', creditWei = 100_000_000n, via = 'cli' } = {}) {
      if (via === 'cli') {
        const args = ['keys', 'create', '-c', configPath, '--name', name, '--json'];
        if (BigInt(creditWei) > 0n) args.push('--credit-model', model, '--credit-wei', String(creditWei));
        const { stdout } = await execFileP(bin, args, { env, timeout: 10_000 });
        const out = JSON.parse(stdout);
        if (!out.api_key?.startsWith('imk_')) throw new Error(`keys create printed no imk_ key: ${stdout}`);
        if (BigInt(creditWei) > 0n && out.balance_wei !== String(creditWei)) {
          throw new Error(`keys create: balance_wei ${out.balance_wei}, want ${creditWei}`);
        }
        return { id: out.key.id, apiKey: out.api_key, key: out.key };
      }
      const r = await gw.admin('POST', '/admin/keys', { name, role: 'app', models: ['*'] });
      if (r.status !== 201) throw new Error(`POST /admin/keys: ${r.status} ${r.text}`);
      const id = r.body.key.id;
      if (BigInt(creditWei) > 0n) {
        const c = await gw.admin('POST', `/admin/accounts/${encodeURIComponent(id)}/credit`, { model, amount_wei: String(creditWei) });
        if (c.status !== 200) throw new Error(`POST credit: ${c.status} ${c.text}`);
      }
      return { id, apiKey: r.body.api_key, key: r.body.key };
    },

    /** Stops the gateway (SIGTERM, then SIGKILL after 5s) and removes the temp dir. */
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        const t = setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, 5000);
        await exitP;
        clearTimeout(t);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
  return gw;
}

/** POSTs a JSON body (given as the exact string to send) with an API key. */
export async function postRaw(gw, route, apiKey, bodyText, headers = {}) {
  const res = await fetch(gw.apiBase + route, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', ...headers },
    body: Buffer.from(bodyText, 'utf8'),
  });
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { res, status: res.status, headers: res.headers, bytes, text: Buffer.from(bytes).toString('utf8') };
}
