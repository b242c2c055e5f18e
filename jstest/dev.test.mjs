// The zero-setup demo, end to end: `imogate dev` starts its own Redis, chain,
// contracts, gateway and batcher; a separate program that uses the official
// OpenAI SDK with ONLY the two printed variables completes a chat; within the
// settlement interval the demo token's ETH balance on the printed RPC URL
// grows by exactly the receipt's fee, and the receipt's Merkle proof verifies
// on-chain against the settled root.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { mkdtemp, rm, readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { JsonRpcProvider, Contract } from 'ethers';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { decodeReceiptHeader, recoverWithEthers, LEAF_ENCODING, RECEIPT_FIELDS } from './harness.mjs';

const execFileP = promisify(execFile);

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let proc;
let dir;
after(async () => {
  if (proc && proc.exitCode === null) {
    proc.kill('SIGINT');
    await new Promise((r) => { proc.on('exit', r); setTimeout(r, 10000); });
  }
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('imogate dev: OpenAI SDK with only the printed variables, then the fee lands in the token on-chain', { timeout: 120_000 }, async () => {
  const bin = process.env.IMOGATE_BIN;
  assert.ok(bin, 'IMOGATE_BIN is not set');
  dir = await mkdtemp(path.join(os.tmpdir(), 'imogate-dev-'));
  const [gwPort, rpcPort] = [await freePort(), await freePort()];
  const env = { ...process.env };
  delete env.REDIS_URL; // exercise the private redis-server path
  proc = spawn(bin, ['dev', '--listen', `127.0.0.1:${gwPort}`, '--rpc', `127.0.0.1:${rpcPort}`,
    '--data-dir', dir, '--settle-interval', '2s'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let errOut = '';
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => { errOut += d; });
  const deadline = Date.now() + 60_000;
  while (!out.includes('OPENAI_API_KEY=')) {
    if (proc.exitCode !== null || Date.now() > deadline) {
      assert.fail(`imogate dev did not print its variables (exit ${proc.exitCode}):\n${out}\n${errOut}`);
    }
    await sleep(100);
  }
  await sleep(200);
  const line = (name) => {
    const m = out.match(new RegExp(`^(?:export )?${name}=(\\S+)`, 'm'));
    assert.ok(m, `no ${name}= line in:\n${out}`);
    return m[1];
  };
  const baseURL = line('OPENAI_BASE_URL');
  const apiKey = line('OPENAI_API_KEY');
  const rpcURL = line('CHAIN_RPC_URL');
  const token = line('MODEL_TOKEN');
  const settlement = line('SETTLEMENT_CONTRACT');
  const settler = line('SETTLER');

  // A separate program: only the two variables, the SDK reads them itself.
  const program = `
    import OpenAI from 'openai';
    const openai = new OpenAI();
    const { data, response } = await openai.chat.completions.create({
      model: 'imogate-demo', messages: [{ role: 'user', content: 'Hello from the SDK' }] }).withResponse();
    console.log(JSON.stringify({ text: data.choices[0].message.content, receipt: response.headers.get('imogate-receipt') }));`;
  const childEnv = { PATH: process.env.PATH, OPENAI_BASE_URL: baseURL, OPENAI_API_KEY: apiKey };
  const { stdout } = await execFileP(process.execPath, ['--input-type=module', '-e', program],
    { env: childEnv, cwd: path.resolve(import.meta.dirname, '..') });
  const got = JSON.parse(stdout.trim().split('\n').pop());
  assert.match(got.text, /^\[imogate demo\]/);
  const receipt = decodeReceiptHeader(got.receipt);
  assert.equal(recoverWithEthers(receipt), receipt.signer);
  assert.equal(receipt.model.toLowerCase(), token.toLowerCase());
  const fee = BigInt(receipt.fee);
  assert.ok(fee > 0n);

  // Within the settlement interval (plus slack) the token holds exactly the fee.
  const provider = new JsonRpcProvider(rpcURL, 1337, { staticNetwork: true });
  let balance = 0n;
  const until = Date.now() + 30_000;
  while (Date.now() < until) {
    balance = await provider.getBalance(token);
    if (balance >= fee) break;
    await sleep(250);
  }
  assert.equal(balance, fee, `token balance ${balance} wei, receipt fee ${fee} wei`);

  // The archived batch loads with OpenZeppelin's StandardMerkleTree, and the
  // receipt's proof verifies on-chain against the stored root.
  const batchDir = path.join(dir, 'archive', token.toLowerCase(), '0');
  let dump;
  for (let i = 0; i < 40 && !dump; i++) {
    try { dump = JSON.parse(await readFile(path.join(batchDir, 'tree.json'), 'utf8')); } catch { await sleep(250); }
  }
  assert.ok(dump, `no archived tree in ${batchDir}`);
  const tree = StandardMerkleTree.load(dump);
  const values = RECEIPT_FIELDS.map(([name]) => receipt[name]);
  let index = -1;
  for (const [i, v] of tree.entries()) if (v[0].toLowerCase() === receipt.id.toLowerCase()) index = i;
  assert.ok(index >= 0, 'receipt not in the archived tree');
  const proof = tree.getProof(index);
  const abi = [
    'function verifyReceipt(address operator, address token, uint64 batchId, (bytes32 id, address model, bytes32 payer, uint64 seq, uint64 timestamp, uint32 promptTokens, uint32 completionTokens, uint256 fee, bytes32 requestHash, bytes32 responseHash) receipt, bytes32[] proof) view returns (bool)',
  ];
  const us = new Contract(settlement, abi, provider);
  const r = Object.fromEntries(RECEIPT_FIELDS.map(([name]) => [name, receipt[name]]));
  assert.equal(await us.verifyReceipt(settler, token, 0, r, proof), true, 'verifyReceipt refused the settled receipt');
  assert.equal(LEAF_ENCODING.length, values.length);

  // The batch as published by the running imogate (auditor API), verified
  // with OpenZeppelin's merkle-tree and ethers alone.
  const admin = out.match(/Bearer (adm_[0-9a-f]+)/)[1];
  const get = async (route) => {
    const res = await fetch(baseURL + route, { headers: { Authorization: `Bearer ${admin}` } });
    assert.equal(res.status, 200, `${route}: ${res.status} ${await res.clone().text()}`);
    return res;
  };
  const batch = await (await get('/audit/models/imogate-demo/batches/0')).json();
  assert.equal(batch.status, 'settled');
  const published = StandardMerkleTree.load(await (await get('/audit/models/imogate-demo/batches/0/tree')).json());
  assert.equal(published.root, batch.root, 'published tree root differs from the batch record');
  const onchain = new Contract(settlement, ['function getBatch(address,address,uint64) view returns (bytes32 root, uint64 firstSeq, uint64 lastSeq, address signer)'], provider);
  const [chainRoot, firstSeq, lastSeq, batchSigner] = await onchain.getBatch(settler, token, 0);
  assert.equal(published.root, chainRoot, 'published root is not the on-chain root');
  let proofs = 0;
  for (const [i, v] of published.entries()) {
    assert.ok(StandardMerkleTree.verify(published.root, LEAF_ENCODING, v, published.getProof(i)), `proof ${i}`);
    proofs++;
  }
  const ndjson = (await (await get('/audit/models/imogate-demo/batches/0/receipts')).text()).trim().split('\n');
  assert.equal(ndjson.length, proofs, 'receipts and tree values differ in number');
  let seq = BigInt(firstSeq);
  for (const line of ndjson) {
    const rc = JSON.parse(line);
    assert.equal(recoverWithEthers(rc), rc.signer, `receipt ${rc.seq} signature`);
    assert.equal(rc.signer, batchSigner, `receipt ${rc.seq} is not by the batch's registered signer`);
    assert.equal(BigInt(rc.seq), seq++, 'seqs are not the on-chain range in order');
  }
  assert.equal(seq - 1n, BigInt(lastSeq));

  // After settlement the receipts leave Redis (archived and trimmed): the
  // payer still gets its receipt and its proof, now read from the archive.
  const mine = await fetch(`${baseURL}/receipts/${receipt.id}`, { headers: { Authorization: `Bearer ${apiKey}` } });
  assert.equal(mine.status, 200, `receipt after trim: ${mine.status} ${await mine.clone().text()}`);
  assert.deepEqual(await mine.json(), receipt);
  const pr = await fetch(`${baseURL}/receipts/${receipt.id}/proof`, { headers: { Authorization: `Bearer ${apiKey}` } });
  assert.equal(pr.status, 200, `proof after trim: ${pr.status} ${await pr.clone().text()}`);
  const proofJSON = await pr.json();
  assert.equal(proofJSON.root, chainRoot);
  assert.ok(StandardMerkleTree.verify(proofJSON.root, LEAF_ENCODING, values, proofJSON.proof));
});
