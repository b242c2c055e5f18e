// The zero-setup demo with the Responses and Messages APIs: `imogate dev`
// prints what to export for the OpenAI and Anthropic SDKs; separate programs
// that use only those variables call responses.create, responses.stream,
// messages.create and messages.stream (with a tool call); each receipt
// verifies with ethers, and each is found in a settled batch whose root is on
// the chain: its Merkle proof verifies with OpenZeppelin's merkle-tree and
// with the settlement contract's verifyReceipt.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { JsonRpcProvider, Contract } from 'ethers';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { decodeReceiptHeader, recoverWithEthers, receiptLeaf, LEAF_ENCODING, RECEIPT_FIELDS } from './harness.mjs';

const execFileP = promisify(execFile);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

let proc;
let dir;
after(async () => {
  if (proc && proc.exitCode === null) {
    proc.kill('SIGINT');
    await new Promise((r) => { proc.on('exit', r); setTimeout(r, 10000); });
  }
  if (dir) await rm(dir, { recursive: true, force: true });
});

// Each program prints one JSON line: the receipts of its calls.
const openaiProgram = `
  import OpenAI from 'openai';
  const openai = new OpenAI();
  const receipts = [];
  const { data, response } = await openai.responses.create({ model: 'imogate-demo', input: 'Hello from Responses', store: false }).withResponse();
  if (!data.output_text.startsWith('[imogate demo]')) throw new Error('text: ' + data.output_text);
  receipts.push(JSON.parse(Buffer.from(response.headers.get('imogate-receipt'), 'base64').toString()));
  const stream = openai.responses.stream({ model: 'imogate-demo', input: 'Weather in Paris?', store: false,
    tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: false }] });
  let completed;
  for await (const ev of stream) if (ev.type === 'response.completed') completed = ev;
  const final = await stream.finalResponse();
  if (!final.output.some((o) => o.type === 'function_call')) throw new Error('no function call');
  receipts.push(completed.receipt);
  console.log(JSON.stringify(receipts));`;

const anthropicProgram = `
  import Anthropic from '@anthropic-ai/sdk';
  const anthropic = new Anthropic();
  const receipts = [];
  const { data, response } = await anthropic.messages.create({ model: 'imogate-demo', max_tokens: 64,
    messages: [{ role: 'user', content: 'Hello from Messages' }] }).withResponse();
  if (!data.content[0].text.startsWith('[imogate demo]')) throw new Error('text: ' + data.content[0].text);
  receipts.push(JSON.parse(Buffer.from(response.headers.get('imogate-receipt'), 'base64').toString()));
  const stream = anthropic.messages.stream({ model: 'imogate-demo', max_tokens: 128,
    messages: [{ role: 'user', content: 'Weather in Oslo?' }],
    tools: [{ name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }] });
  let delta;
  stream.on('streamEvent', (e) => { if (e.type === 'message_delta') delta = e; });
  const final = await stream.finalMessage();
  if (!final.content.some((b) => b.type === 'tool_use')) throw new Error('no tool_use');
  receipts.push(delta.receipt);
  console.log(JSON.stringify(receipts));`;

test('imogate dev: the Responses and Messages SDKs with only the printed variables; every receipt lands in a settled batch', { timeout: 150_000 }, async () => {
  const bin = process.env.IMOGATE_BIN;
  assert.ok(bin, 'IMOGATE_BIN is not set');
  dir = await mkdtemp(path.join(os.tmpdir(), 'imogate-dev-apis-'));
  const [gwPort, rpcPort] = [await freePort(), await freePort()];
  proc = spawn(bin, ['dev', '--listen', `127.0.0.1:${gwPort}`, '--rpc', `127.0.0.1:${rpcPort}`,
    '--data-dir', dir, '--settle-interval', '2s'], { env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let errOut = '';
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => { errOut += d; });
  const deadline = Date.now() + 60_000;
  while (!out.includes('ANTHROPIC_API_KEY=')) {
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
  const vars = ['OPENAI_BASE_URL', 'OPENAI_API_KEY', 'ANTHROPIC_BASE_URL', 'ANTHROPIC_API_KEY'];
  const env = Object.fromEntries(vars.map((v) => [v, line(v)]));
  assert.equal(env.ANTHROPIC_BASE_URL + '/v1', env.OPENAI_BASE_URL, 'the Anthropic SDK appends /v1 itself');
  const run = async (program, names) => {
    const childEnv = { PATH: process.env.PATH, ...Object.fromEntries(names.map((n) => [n, env[n]])) };
    const { stdout } = await execFileP(process.execPath, ['--input-type=module', '-e', program],
      { env: childEnv, cwd: path.resolve(import.meta.dirname, '..') });
    return JSON.parse(stdout.trim().split('\n').pop());
  };
  const receipts = [
    ...await run(openaiProgram, ['OPENAI_BASE_URL', 'OPENAI_API_KEY']),
    ...await run(anthropicProgram, ['ANTHROPIC_BASE_URL', 'ANTHROPIC_API_KEY']),
  ];
  assert.equal(receipts.length, 4);
  for (const r of receipts) assert.equal(recoverWithEthers(r), r.signer, `receipt ${r.seq} signature`);

  const rpcURL = line('CHAIN_RPC_URL');
  const token = line('MODEL_TOKEN');
  const settlement = line('SETTLEMENT_CONTRACT');
  const settler = line('SETTLER');
  const provider = new JsonRpcProvider(rpcURL, 1337, { staticNetwork: true });
  const fees = receipts.reduce((s, r) => s + BigInt(r.fee), 0n);
  let balance = 0n;
  const until = Date.now() + 45_000;
  while (Date.now() < until && balance < fees) {
    balance = await provider.getBalance(token);
    await sleep(250);
  }
  assert.equal(balance, fees, `token balance ${balance} wei, receipts' fees ${fees} wei`);

  const us = new Contract(settlement, [
    'function verifyReceipt(address operator, address token, uint64 batchId, (bytes32 id, address model, bytes32 payer, uint64 seq, uint64 timestamp, uint32 promptTokens, uint32 completionTokens, uint256 fee, bytes32 requestHash, bytes32 responseHash) receipt, bytes32[] proof) view returns (bool)',
  ], provider);
  for (const r of receipts) {
    let proof;
    for (let i = 0; i < 60; i++) {
      const res = await fetch(`${env.OPENAI_BASE_URL}/receipts/${r.id}/proof`, { headers: { authorization: `Bearer ${env.OPENAI_API_KEY}` } });
      if (res.status === 200) {
        proof = await res.json();
        if (proof.status === 'settled') break;
      } else {
        await res.arrayBuffer();
      }
      await sleep(250);
    }
    assert.equal(proof?.status, 'settled', `receipt ${r.id} in no settled batch: ${JSON.stringify(proof)}`);
    assert.ok(StandardMerkleTree.verify(proof.root, LEAF_ENCODING, receiptLeaf(r), proof.proof), `merkle-tree proof of ${r.seq}`);
    const fields = Object.fromEntries(RECEIPT_FIELDS.map(([name]) => [name, r[name]]));
    assert.equal(await us.verifyReceipt(settler, token, BigInt(proof.batch_id), fields, proof.proof), true, `verifyReceipt of ${r.seq}`);
  }
});
