// imogate dashboard. Bundled by ../build.mjs with ethers (EIP-712) and
// OpenZeppelin's merkle-tree (proofs) into ../dist/app.js.
//
// The credential the user types lives only in the `credential` variable of
// this module: never in localStorage, sessionStorage, cookies or the URL.
// Every value from the API reaches the page through textContent, never as
// HTML.
import { verifyTypedData, JsonRpcProvider, Contract, getAddress } from 'ethers';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';

// The frozen field order of the EIP-712 Receipt struct (DESIGN.md).
const RECEIPT_FIELDS = [
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
const RECEIPT_TYPES = { Receipt: RECEIPT_FIELDS.map(([name, type]) => ({ name, type })) };
const LEAF_ENCODING = RECEIPT_FIELDS.map(([, type]) => type);
const INT_FIELDS = new Set(['seq', 'timestamp', 'promptTokens', 'completionTokens', 'fee']);
const GET_BATCH_ABI = ['function getBatch(address operator, address token, uint64 batchId) view returns (bytes32 root, uint64 firstSeq, uint64 lastSeq, address signer)'];

let credential = null; // memory only
let models = [];       // GET /v1/models data

const $ = (id) => document.getElementById(id);

// h builds an element; string children become text nodes.
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function svg(tag, attrs = {}, text) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

// ApiError carries the HTTP status and the API's error message.
class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

async function api(path, { auth = true } = {}) {
  const headers = { Accept: 'application/json' };
  if (auth && credential) headers.Authorization = `Bearer ${credential}`;
  const res = await fetch(path, { headers, cache: 'no-store', credentials: 'omit' });
  const text = await res.text();
  let body;
  try { body = JSON.parse(text); } catch { body = undefined; }
  if (!res.ok) throw new ApiError(res.status, body?.error?.message || `${res.status} ${res.statusText}`);
  return body;
}

const enc = encodeURIComponent;

// --- login ---------------------------------------------------------------

async function login(ev) {
  ev.preventDefault();
  const value = $('credential').value.trim();
  $('credential').value = '';
  $('login-error').textContent = '';
  if (!value) return;
  credential = value;
  try {
    models = (await api('/v1/models')).data || [];
  } catch (e) {
    credential = null;
    $('login-error').textContent = e.status === 401 ? 'This key or token was not accepted.' : `Login failed: ${e.message}`;
    return;
  }
  // The owner view is shown when the owner API answers for some model.
  const owned = [];
  for (const m of models) {
    try {
      await api(`/v1/owner/models/${enc(m.id)}/revenue`);
      owned.push(m.id);
    } catch (e) {
      if (e.status === 403) break; // the role has no owner API at all
      if (e.status !== 404) throw e;
    }
  }
  $('login').hidden = true;
  $('tabs').hidden = false;
  $('logout').hidden = false;
  // Never echo any part of the credential.
  $('who').textContent = `signed in · ${owned.length ? 'owner view: ' + owned.join(', ') : 'no owner access'}`;
  const sel = $('owner-model');
  sel.replaceChildren(...owned.map((id) => h('option', { value: id }, id)));
  $('tab-owner').hidden = owned.length === 0;
  show(owned.length ? 'owner' : 'auditor');
}

function logout() {
  credential = null;
  models = [];
  location.reload();
}

function show(view) {
  for (const v of ['owner', 'auditor']) {
    $(v).hidden = v !== view;
    $(`tab-${v}`).classList.toggle('active', v === view);
  }
  if (view === 'owner') loadOwner();
}

// --- owner view ------------------------------------------------------------

function rangeQuery() {
  const now = new Date();
  now.setUTCMinutes(0, 0, 0);
  const to = new Date(now.getTime() + 3600_000);
  const r = $('owner-range').value;
  const hours = r === '24h' ? 24 : r === '7d' ? 7 * 24 : 31 * 24;
  const from = new Date(to.getTime() - hours * 3600_000);
  const iso = (d) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return { from: iso(from), to: iso(to), group: r === '24h' ? 'hour' : 'day' };
}

async function loadOwner() {
  const model = $('owner-model').value;
  if (!model) return;
  $('owner-error').textContent = '';
  const q = rangeQuery();
  const base = `/v1/owner/models/${enc(model)}`;
  try {
    const [usage, byKey, revenue, keys, batches] = await Promise.all([
      api(`${base}/usage?from=${enc(q.from)}&to=${enc(q.to)}&group=${q.group}`),
      api(`${base}/usage?from=${enc(q.from)}&to=${enc(q.to)}&group=key`),
      api(`${base}/revenue`),
      api(`${base}/keys`),
      api(`${base}/batches?limit=100`),
    ]);
    drawBars($('chart-calls'), usage.data, (d) => BigInt(d.calls), 'bar', q.group);
    drawBars($('chart-fees'), usage.data, (d) => BigInt(d.fees_wei), 'fee', q.group);
    renderRevenue(revenue, usage.total);
    renderKeys(keys.data, byKey.data);
    renderBatches(batches.data, batches.has_more);
    $('owner').dataset.loaded = model;
  } catch (e) {
    $('owner-error').textContent = e.message;
  }
}

// drawBars draws one inline SVG bar chart. Values are BigInt (fees are wei);
// bar heights are scaled in floating point, the labels stay exact.
function drawBars(el, data, value, cls, group) {
  const W = 520, H = 180, top = 16, bottom = 22, left = 4;
  const vals = data.map(value);
  const max = vals.reduce((a, b) => (b > a ? b : a), 0n);
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img' });
  const n = Math.max(vals.length, 1);
  const slot = (W - left) / n;
  const bw = Math.max(1, slot * 0.8);
  vals.forEach((v, i) => {
    const hgt = max === 0n ? 0 : (Number(v) / Number(max)) * (H - top - bottom);
    const x = left + i * slot;
    const r = svg('rect', { class: cls, x: x.toFixed(1), y: (H - bottom - hgt).toFixed(1), width: bw.toFixed(1), height: hgt.toFixed(1) });
    r.append(svg('title', {}, `${data[i].bucket}: ${v}`));
    root.append(r);
  });
  // A few bucket labels along the axis.
  const every = Math.max(1, Math.ceil(n / 6));
  data.forEach((d, i) => {
    if (i % every) return;
    const label = group === 'hour' ? d.bucket.slice(11, 16) : d.bucket.slice(5, 10);
    root.append(svg('text', { x: (left + i * slot).toFixed(1), y: H - 6 }, label));
  });
  root.append(svg('line', { x1: 0, x2: W, y1: H - bottom, y2: H - bottom, stroke: '#dde3ea' }));
  root.append(svg('text', { x: W - 4, y: 11, 'text-anchor': 'end' }, `max ${max}`));
  el.replaceChildren(root);
  if (!vals.some((v) => v > 0n)) el.append(h('p', { class: 'empty' }, 'No calls in this range.'));
}

function stat(label, value, testid) {
  return h('div', { class: 'stat' }, h('div', { class: 'label' }, label), h('div', { class: 'value mono', 'data-testid': testid }, value));
}

function renderRevenue(r, total) {
  $('revenue').replaceChildren(h('div', { class: 'stats' },
    stat('metered', r.metered_wei, 'metered'),
    stat('settled', r.settled_wei, 'settled'),
    stat('pending', r.pending_wei, 'pending'),
    stat('in settlement', r.in_settlement_wei, 'in-settlement'),
    stat('calls (all time)', r.calls, 'calls'),
    stat('calls in range', total.calls, 'range-calls'),
    stat('fees in range', total.fees_wei, 'range-fees'),
    stat('batches settled / open', `${r.settled_batches} / ${r.unsettled_batches}`, 'batch-counts'),
  ));
}

function table(head, rows, numeric = new Set()) {
  if (!rows.length) return h('p', { class: 'empty' }, 'None.');
  return h('table', {},
    h('thead', {}, h('tr', {}, head.map((c, i) => h('th', { class: numeric.has(i) ? 'num' : null }, c)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c, i) => h('td', { class: numeric.has(i) ? 'num' : null }, c))))));
}

function renderKeys(keys, usage) {
  const byID = new Map(usage.map((u) => [u.bucket, u]));
  $('keys').replaceChildren(table(
    ['id', 'name', 'role', 'balance (wei)', 'RPM', 'TPM', 'calls in range', 'fees in range (wei)', 'created', 'revoked'],
    keys.map((k) => [h('span', { class: 'mono' }, k.id), k.name, k.role, k.balance_wei,
      k.rpm ? k.rpm : 'unlimited', k.tpm ? k.tpm : 'unlimited',
      byID.get(k.id)?.calls ?? 0, byID.get(k.id)?.fees_wei ?? '0', k.created, k.revoked ? 'yes' : 'no']),
    new Set([3, 4, 5, 6, 7])));
}

function renderBatches(batches, more) {
  $('batches').replaceChildren(table(
    ['id', 'status', 'root', 'seq range', 'count', 'fee (wei)', 'tx hash', 'block'],
    batches.map((b) => [b.id, h('span', { class: `status-${b.status}` }, b.status), h('span', { class: 'mono' }, b.root),
      `${b.first_seq}–${b.last_seq}`, b.count, b.fee_wei, h('span', { class: 'mono' }, b.tx_hash ?? '—'), b.block_number ?? '—']),
    new Set([4, 5])));
  if (more) $('batches').append(h('p', { class: 'hint' }, 'Showing the first 100 batches.'));
}

// --- auditor view ------------------------------------------------------------

// parseReceipt accepts the receipt JSON or the base64 Imogate-Receipt header.
function parseReceipt(text) {
  text = text.trim().replace(/^imogate-receipt:\s*/i, '');
  let r;
  try { r = JSON.parse(text); } catch {
    try { r = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(text), (c) => c.charCodeAt(0)))); } catch {
      throw new Error('this is neither receipt JSON nor a base64 Imogate-Receipt header');
    }
  }
  if (r && typeof r === 'object' && r.receipt && !r.id) r = r.receipt; // an SSE event or wrapper
  for (const [name] of RECEIPT_FIELDS) if (!(name in r)) throw new Error(`the receipt has no "${name}" field`);
  for (const f of ['signature', 'signer', 'domain']) if (!(f in r)) throw new Error(`the receipt has no "${f}" field`);
  return r;
}

function message(r) {
  return Object.fromEntries(RECEIPT_FIELDS.map(([n]) => [n, INT_FIELDS.has(n) ? BigInt(r[n]) : r[n]]));
}

// check records one verification step: ok true (pass), false (fail) or null
// (not checked).
function check(name, ok, detail) { return { name, ok, detail }; }

async function verifyReceipt() {
  const checks = [];
  let r;
  try {
    r = parseReceipt($('receipt-input').value);
  } catch (e) {
    return render([check('receipt', false, e.message)], 'NOT VALID: ' + e.message);
  }

  // (1) The EIP-712 signature recovers to receipt.signer.
  let sigOK = false;
  try {
    const d = r.domain;
    const domain = { name: d.name, version: d.version, chainId: BigInt(d.chainId), verifyingContract: d.verifyingContract };
    const got = verifyTypedData(domain, RECEIPT_TYPES, message(r), r.signature);
    sigOK = getAddress(got) === getAddress(r.signer);
    checks.push(check('signature', sigOK, sigOK ? `EIP-712 signature by ${got}` : `the signature recovers to ${got}, not to the receipt's signer ${r.signer}`));
  } catch (e) {
    checks.push(check('signature', false, `the signature cannot be checked: ${e.shortMessage || e.message}`));
  }

  // (2) The receipt is in its batch's Merkle tree.
  let proof = null;
  let pending = null;
  try {
    proof = await api(`/v1/receipts/${enc(r.id)}/proof`);
  } catch (e) {
    if (e.status === 409) pending = 'not yet in a batch: the receipt is valid once its batch is sealed; try again after the next settlement';
    else checks.push(check('inclusion proof', null, `the proof could not be fetched: ${e.message}`));
  }
  if (pending) checks.push(check('inclusion proof', null, pending));
  if (proof) {
    let ok = false;
    try {
      const values = RECEIPT_FIELDS.map(([n]) => (INT_FIELDS.has(n) ? BigInt(r[n]).toString() : r[n]));
      ok = StandardMerkleTree.verify(proof.root, LEAF_ENCODING, values, proof.proof);
    } catch { ok = false; }
    checks.push(check('inclusion proof', ok, ok
      ? `in batch ${proof.batch_id} of ${proof.model} (${proof.status}), root ${proof.root}`
      : `the receipt's fields do not hash into root ${proof.root} with the proof of batch ${proof.batch_id}`));

    // (3) The root is the batch root the API reports.
    const batch = await batchRecord(proof.model, proof.batch_id);
    if (!batch) checks.push(check('batch root', null, 'this credential cannot read the batch record'));
    else {
      const same = batch.root.toLowerCase() === proof.root.toLowerCase();
      checks.push(check('batch root', same, same ? `batch ${batch.id} root ${batch.root} (${batch.status})` : `the batch record's root is ${batch.root}, the proof's is ${proof.root}`));
    }

    // (4) Optional: the root is the one stored on-chain.
    const rpc = $('rpc-url').value.trim();
    if (rpc) checks.push(await onchainRoot(rpc, proof));
  }

  const failed = checks.find((c) => c.ok === false);
  let verdict;
  if (failed) verdict = failed.name === 'signature' ? 'NOT VALID: signature does not match' : `NOT VALID: ${failed.name} check failed`;
  else if (pending) verdict = 'Signature valid — not yet in a batch';
  else if (!proof) verdict = 'Signature valid — inclusion not verified';
  else if (checks.some((c) => c.ok === null)) verdict = `Verified — not checked: ${checks.filter((c) => c.ok === null).map((c) => c.name).join(', ')}`;
  else verdict = 'Verified';
  render(checks, verdict);
}

async function batchRecord(model, id) {
  try {
    return await api(`/v1/audit/models/${enc(model)}/batches/${enc(id)}`);
  } catch (e) {
    if (e.status !== 401 && e.status !== 403) return null;
  }
  // Owners read the record from their own batch list.
  let cursor = '';
  for (let page = 0; page < 100; page++) {
    let list;
    try {
      list = await api(`/v1/owner/models/${enc(model)}/batches?limit=500${cursor ? '&cursor=' + enc(cursor) : ''}`);
    } catch { return null; }
    const b = list.data.find((x) => x.id === id);
    if (b) return b;
    if (!list.has_more) return null;
    cursor = list.next_cursor;
  }
  return null;
}

async function onchainRoot(rpc, proof) {
  let operator = $('operator').value.trim();
  if (!operator) {
    try {
      const am = await api('/v1/audit/models');
      operator = am.data.find((x) => x.id === proof.model)?.operator || '';
    } catch { /* the audit API may be closed to this credential */ }
  }
  if (!operator) return check('on-chain root', null, 'the operator (settler) address is unknown: enter it next to the RPC URL');
  let provider;
  try {
    provider = new JsonRpcProvider(rpc, undefined, { staticNetwork: true, batchMaxCount: 1 });
    const c = new Contract(proof.settlement_contract, GET_BATCH_ABI, provider);
    const [root] = await c.getBatch(getAddress(operator), proof.token, BigInt(proof.batch_id));
    const same = root.toLowerCase() === proof.root.toLowerCase();
    return check('on-chain root', same, same ? `contract ${proof.settlement_contract} stores root ${root}` : `contract ${proof.settlement_contract} stores root ${root} for batch ${proof.batch_id}`);
  } catch (e) {
    return check('on-chain root', null, `could not read the chain: ${e.shortMessage || e.message}`);
  } finally {
    provider?.destroy();
  }
}

function render(checks, verdict) {
  const v = $('verdict');
  v.hidden = false;
  v.textContent = verdict;
  v.className = 'verdict ' + (verdict.startsWith('Verified') ? 'ok' : verdict.startsWith('NOT VALID') ? 'bad' : 'pending');
  $('checks').replaceChildren(...checks.map((c) => h('li', { class: c.ok === true ? 'pass' : c.ok === false ? 'fail' : 'skip' },
    h('b', {}, `${c.ok === true ? '✓' : c.ok === false ? '✗' : '–'} ${c.name}`), ' ', h('span', { class: 'detail' }, c.detail))));
}

// --- wiring ------------------------------------------------------------------

$('login-form').addEventListener('submit', (ev) => { login(ev).catch((e) => { $('login-error').textContent = e.message; }); });
$('logout').addEventListener('click', logout);
$('tab-owner').addEventListener('click', () => show('owner'));
$('tab-auditor').addEventListener('click', () => show('auditor'));
$('owner-model').addEventListener('change', loadOwner);
$('owner-range').addEventListener('change', loadOwner);
$('owner-refresh').addEventListener('click', loadOwner);
$('verify').addEventListener('click', () => { verifyReceipt().catch((e) => render([check('verification', false, e.message)], 'NOT VALID: ' + e.message)); });
const input = $('receipt-input');
input.addEventListener('dragover', (ev) => ev.preventDefault());
input.addEventListener('drop', async (ev) => {
  ev.preventDefault();
  const f = ev.dataTransfer?.files?.[0];
  if (f) { input.value = await f.text(); verifyReceipt(); }
});
