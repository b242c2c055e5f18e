// ethers v6 and viem verify receipts signed by the Go gateway, and
// OpenZeppelin's StandardMerkleTree accepts them as leaves (DESIGN.md:
// "Formats that other software must be able to check").
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { getAddress, hexlify, Signature, zeroPadValue, toBeHex } from 'ethers';
import { recoverTypedDataAddress } from 'viem';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import {
  startGateway, postRaw, decodeReceiptHeader, receiptMessage, receiptDomain, recoverWithEthers,
  receiptLeaf, keccakBytes, RECEIPT_TYPES, RECEIPT_FIELDS, LEAF_ENCODING, SECP256K1_N, expectedFee,
} from './harness.mjs';

let gw;
let app; // the paying key
let other; // a second, different app key
const calls = []; // {body, bytes, receipt, headers, t0, t1} of every paid call, in order

before(async () => {
  gw = await startGateway();
  [app, other] = await Promise.all([
    gw.createKey({ name: 'js-receipts', via: 'cli' }),
    gw.createKey({ name: 'js-other', via: 'http' }),
  ]);
  // Several sequential calls with different prompts: the first is checked in
  // detail, all of them go into the Merkle tree.
  for (let i = 0; i < 5; i++) {
    // Deliberately odd spacing and key order: the hash is of these exact bytes.
    const body = `{"messages": [{"role":"user","content":"receipt test ${i} – ünïcode ✓"}],  "model":"${gw.model}"}`;
    const t0 = Date.now();
    const r = await postRaw(gw, '/chat/completions', app.apiKey, body);
    const t1 = Date.now();
    assert.equal(r.status, 200, `call ${i}: ${r.text}`);
    calls.push({ body, bytes: r.bytes, json: JSON.parse(r.text), headers: r.headers, receipt: decodeReceiptHeader(r.headers.get('imogate-receipt')), t0, t1 });
  }
});

after(async () => { await gw?.stop(); });

test('the receipt header is base64 of the receipt JSON of DESIGN.md', () => {
  const { receipt: r, headers } = calls[0];
  assert.equal(headers.get('imogate-receipt-id'), r.id, 'Imogate-Receipt-Id equals the receipt id');
  const want = [...RECEIPT_FIELDS.map(([n]) => n), 'signature', 'signer', 'domain'].sort();
  assert.deepEqual(Object.keys(r).sort(), want, 'exactly the struct fields plus signature, signer, domain');
  assert.deepEqual(Object.keys(r.domain).sort(), ['chainId', 'name', 'verifyingContract', 'version']);
  for (const [name, type] of RECEIPT_FIELDS) {
    const v = r[name];
    assert.equal(typeof v, 'string', `${name} is a string`);
    if (type === 'bytes32') assert.match(v, /^0x[0-9a-fA-F]{64}$/, `${name} is 0x + 32 bytes`);
    else if (type === 'address') assert.match(v, /^0x[0-9a-fA-F]{40}$/, `${name} is an address`);
    else assert.match(v, /^(0|[1-9][0-9]*)$/, `${name} is a canonical decimal string`);
  }
  assert.equal(r.domain.name, 'imogate');
  assert.equal(r.domain.version, '1');
  assert.equal(r.domain.chainId, '1337');
  assert.equal(getAddress(r.domain.verifyingContract), gw.settlement);
  assert.equal(getAddress(r.model), gw.token, 'model is the configured ERC-7641 token');
  assert.notEqual(r.payer.toLowerCase(), app.id.toLowerCase(), 'payer is a hash, not the key id');
  assert.ok(!JSON.stringify(r).includes(app.apiKey), 'the API key never appears in a receipt');
});

test('ethers v6 verifyTypedData recovers the gateway signer', async () => {
  const { receipt: r } = calls[0];
  const recovered = recoverWithEthers(r);
  assert.equal(recovered, getAddress(r.signer), 'recovered == receipt.signer');
  assert.equal(recovered, gw.signer.address, 'recovered == the key given in IMOGATE_SIGNER_KEY');
  const res = await fetch(`${gw.apiBase}/models`, { headers: { authorization: `Bearer ${app.apiKey}` } });
  assert.equal(res.status, 200);
  const models = await res.json();
  const m = models.data.find((x) => x.id === gw.model);
  assert.ok(m, `GET /v1/models lists ${gw.model}`);
  assert.equal(getAddress(m.imogate.receipt_signer), recovered, 'the signer published by /v1/models');
  assert.equal(getAddress(m.imogate.token), gw.token);
  assert.equal(getAddress(m.imogate.settlement_contract), gw.settlement);
  assert.equal(m.imogate.chain_id, '1337');
  // Every receipt of the run, too.
  for (const c of calls) assert.equal(recoverWithEthers(c.receipt), gw.signer.address);
});

test('viem recoverTypedDataAddress recovers the gateway signer', async () => {
  for (const { receipt: r } of calls) {
    const recovered = await recoverTypedDataAddress({
      domain: receiptDomain(r), types: RECEIPT_TYPES, primaryType: 'Receipt',
      message: receiptMessage(r), signature: r.signature,
    });
    assert.equal(recovered, gw.signer.address);
    assert.equal(recovered, getAddress(r.signer));
  }
});

test('signature is 65 bytes r‖s‖v, v ∈ {27, 28}, low-s', () => {
  for (const { receipt: r } of calls) {
    assert.match(r.signature, /^0x[0-9a-f]{130}$/i, '65 bytes of hex');
    const raw = Buffer.from(r.signature.slice(2), 'hex');
    const v = raw[64];
    assert.ok(v === 27 || v === 28, `v = ${v}`);
    const s = BigInt('0x' + raw.subarray(32, 64).toString('hex'));
    assert.ok(s > 0n && s <= SECP256K1_N / 2n, 'low-s');
    // ethers agrees on the split.
    const sig = Signature.from(r.signature);
    assert.equal(sig.v, v);
    assert.equal(BigInt(sig.s), s);
  }
});

test('requestHash / responseHash are keccak256 of the exact bytes sent and received', () => {
  for (const c of calls) {
    assert.equal(c.receipt.requestHash, keccakBytes(c.body), 'requestHash');
    assert.equal(c.receipt.responseHash, keccakBytes(c.bytes), 'responseHash');
  }
});

test('tokens, fee, timestamp and seq match the call', () => {
  for (const c of calls) {
    const r = c.receipt;
    assert.equal(r.promptTokens, String(c.json.usage.prompt_tokens));
    assert.equal(r.completionTokens, String(c.json.usage.completion_tokens));
    assert.equal(BigInt(r.fee), expectedFee(c.json.usage.prompt_tokens, c.json.usage.completion_tokens), 'fee by the configured price');
    const ts = Number(r.timestamp);
    assert.ok(ts >= c.t0 - 1000 && ts <= c.t1 + 1000, `timestamp ${ts} is unix ms within the call [${c.t0}, ${c.t1}]`);
  }
  // A fresh token: this run's receipts are seq 1, 2, 3 … with no gaps.
  assert.deepEqual(calls.map((c) => c.receipt.seq), calls.map((_, i) => String(i + 1)));
  assert.equal(new Set(calls.map((c) => c.receipt.id)).size, calls.length, 'ids are unique');
  assert.equal(new Set(calls.map((c) => c.receipt.payer)).size, 1, 'one key, one payer');
});

test('tampering with any field or the domain changes the recovered signer', async () => {
  const r = calls[0].receipt;
  const base = receiptMessage(r);
  const flip = (hex) => hexlify(Buffer.from(hex.slice(2), 'hex').map((b, i) => (i === 0 ? b ^ 1 : b)));
  const tampered = {
    fee: { ...base, fee: base.fee + 1n },
    feeMinus: { ...base, fee: base.fee - 1n },
    id: { ...base, id: flip(base.id) },
    model: { ...base, model: getAddress(flip(base.model)) },
    payer: { ...base, payer: flip(base.payer) },
    seq: { ...base, seq: base.seq + 1n },
    timestamp: { ...base, timestamp: base.timestamp + 1n },
    promptTokens: { ...base, promptTokens: base.promptTokens + 1n },
    completionTokens: { ...base, completionTokens: base.completionTokens + 1n },
    requestHash: { ...base, requestHash: flip(base.requestHash) },
    responseHash: { ...base, responseHash: zeroPadValue(toBeHex(1n), 32) },
  };
  for (const [what, msg] of Object.entries(tampered)) {
    assert.notEqual(recoverWithEthers(r, msg), gw.signer.address, `ethers: tampered ${what} must not verify`);
    const v = await recoverTypedDataAddress({ domain: receiptDomain(r), types: RECEIPT_TYPES, primaryType: 'Receipt', message: msg, signature: r.signature });
    assert.notEqual(v, gw.signer.address, `viem: tampered ${what} must not verify`);
  }
  const d = receiptDomain(r);
  for (const [what, dom] of Object.entries({
    chainId: { ...d, chainId: 1n },
    verifyingContract: { ...d, verifyingContract: getAddress(flip(d.verifyingContract)) },
    name: { ...d, name: 'imogatf' },
    version: { ...d, version: '2' },
  })) {
    assert.notEqual(recoverWithEthers(r, base, dom), gw.signer.address, `tampered domain ${what} must not verify`);
  }
  // Untampered still verifies (the tamper checks are not vacuous).
  assert.equal(recoverWithEthers(r, { ...base }), gw.signer.address);
});

test('GET /v1/receipts/:id returns the same receipt to its payer, 404 to another key', async () => {
  const { receipt: r } = calls[0];
  const mine = await fetch(`${gw.apiBase}/receipts/${r.id}`, { headers: { authorization: `Bearer ${app.apiKey}` } });
  assert.equal(mine.status, 200);
  assert.deepEqual(await mine.json(), r, 'same receipt JSON as the header');
  const theirs = await fetch(`${gw.apiBase}/receipts/${r.id}`, { headers: { authorization: `Bearer ${other.apiKey}` } });
  const body = await theirs.text();
  assert.equal(theirs.status, 404, body);
  assert.ok(!body.includes(r.signature), 'nothing of the receipt leaks');
  const none = await fetch(`${gw.apiBase}/receipts/0x${'ab'.repeat(32)}`, { headers: { authorization: `Bearer ${app.apiKey}` } });
  assert.equal(none.status, 404);
  await none.arrayBuffer();
});

test('OpenZeppelin StandardMerkleTree builds over receipts and every proof verifies', () => {
  const values = calls.map((c) => receiptLeaf(c.receipt));
  const tree = StandardMerkleTree.of(values, LEAF_ENCODING);
  assert.match(tree.root, /^0x[0-9a-f]{64}$/);
  for (const [i, v] of tree.entries()) {
    const proof = tree.getProof(i);
    assert.ok(tree.verify(i, proof), `proof ${i} verifies in the tree`);
    assert.ok(StandardMerkleTree.verify(tree.root, LEAF_ENCODING, v, proof), `proof ${i} verifies against the root`);
    // A leaf with a changed fee does not verify with the same proof.
    const bad = [...v];
    bad[7] = (BigInt(bad[7]) + 1n).toString();
    assert.ok(!StandardMerkleTree.verify(tree.root, LEAF_ENCODING, bad, proof), `tampered leaf ${i} fails`);
  }
  // The dump round-trips to the same root.
  const again = StandardMerkleTree.load(JSON.parse(JSON.stringify(tree.dump())));
  assert.equal(again.root, tree.root);
});
