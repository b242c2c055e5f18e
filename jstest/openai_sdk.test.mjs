// The official `openai` npm SDK works against imogate unchanged: only
// baseURL and apiKey differ from talking to OpenAI. Receipts it receives
// (headers, and the final chunk of a stream) verify with ethers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI, { NotFoundError, AuthenticationError, BadRequestError, APIError } from 'openai';
import { getAddress } from 'ethers';
import {
  startGateway, postRaw, decodeReceiptHeader, recoverWithEthers, keccakBytes, splitAtReceiptEvent, expectedFee,
} from './harness.mjs';

const LABEL = '[imogate demo]';
let gw;
let app;
let broke; // a key with balance 0
let client;

before(async () => {
  gw = await startGateway({ signerKeyWith0x: true });
  [app, broke] = await Promise.all([
    gw.createKey({ name: 'js-sdk', via: 'cli' }),
    gw.createKey({ name: 'js-broke', creditWei: 0n, via: 'http' }),
  ]);
  client = new OpenAI({ baseURL: gw.apiBase, apiKey: app.apiKey, maxRetries: 0, timeout: 10_000 });
});

after(async () => { await gw?.stop(); });

function assertVerifies(r, what) {
  assert.ok(r && typeof r === 'object', `${what}: a receipt object`);
  assert.equal(recoverWithEthers(r), gw.signer.address, `${what}: ethers recovers the gateway signer`);
  assert.equal(getAddress(r.signer), gw.signer.address, `${what}: receipt.signer`);
  assert.equal(getAddress(r.model), gw.token, `${what}: receipt.model is the token`);
}

test('models.list() and models.retrieve() list the model', async () => {
  const page = await client.models.list();
  const ids = page.data.map((m) => m.id);
  assert.deepEqual(ids, [gw.model]);
  assert.equal(page.data[0].object, 'model');
  const seen = [];
  for await (const m of client.models.list()) seen.push(m.id);
  assert.deepEqual(seen, [gw.model], 'auto-pagination ends');
  const m = await client.models.retrieve(gw.model);
  assert.equal(m.id, gw.model);
  assert.equal(getAddress(m.imogate.receipt_signer), gw.signer.address);
});

const messages = [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: 'Say something about tokens.' }];

test('chat.completions.create: demo text, usage, a verifying receipt header', async () => {
  const { data, response } = await client.chat.completions.create({ model: gw.model, messages }).withResponse();
  assert.equal(data.object, 'chat.completion');
  assert.equal(data.model, gw.model);
  assert.equal(data.choices.length, 1);
  assert.equal(data.choices[0].message.role, 'assistant');
  assert.ok(data.choices[0].message.content.startsWith(LABEL), data.choices[0].message.content);
  const u = data.usage;
  assert.ok(Number.isInteger(u.prompt_tokens) && u.prompt_tokens > 0, 'prompt_tokens');
  assert.ok(Number.isInteger(u.completion_tokens) && u.completion_tokens > 0, 'completion_tokens');
  assert.equal(u.total_tokens, u.prompt_tokens + u.completion_tokens);
  const r = decodeReceiptHeader(response.headers.get('imogate-receipt'));
  assert.equal(response.headers.get('imogate-receipt-id'), r.id);
  assertVerifies(r, 'header receipt');
  assert.equal(r.promptTokens, String(u.prompt_tokens));
  assert.equal(r.completionTokens, String(u.completion_tokens));
  assert.equal(BigInt(r.fee), expectedFee(u.prompt_tokens, u.completion_tokens));
});

test('asResponse(): the receipt covers the exact response bytes the SDK received', async () => {
  const res = await client.chat.completions.create({ model: gw.model, messages }).asResponse();
  assert.equal(res.status, 200);
  const bytes = new Uint8Array(await res.arrayBuffer());
  const r = decodeReceiptHeader(res.headers.get('imogate-receipt'));
  assertVerifies(r, 'asResponse receipt');
  assert.equal(r.responseHash, keccakBytes(bytes));
  assert.ok(JSON.parse(Buffer.from(bytes).toString('utf8')).choices[0].message.content.startsWith(LABEL));
});

test('streaming via the SDK: deltas equal the non-streaming text; final chunk has usage and a verifying receipt', async () => {
  const prompt = [{ role: 'user', content: 'stream me the same words please' }];
  const plain = await client.chat.completions.create({ model: gw.model, messages: prompt });
  const stream = await client.chat.completions.create({ model: gw.model, messages: prompt, stream: true });
  let text = '';
  const chunks = [];
  for await (const chunk of stream) {
    chunks.push(chunk);
    assert.equal(chunk.model, gw.model);
    for (const c of chunk.choices) text += c.delta?.content ?? '';
  }
  assert.ok(chunks.length >= 3, `got ${chunks.length} chunks`);
  assert.ok(text.startsWith(LABEL), text);
  assert.equal(text, plain.choices[0].message.content, 'the demo is deterministic: same prompt, same text');
  const last = chunks.at(-1);
  assert.deepEqual(last.choices, []);
  assert.ok(last.usage, 'final chunk carries usage');
  assert.equal(last.usage.total_tokens, last.usage.prompt_tokens + last.usage.completion_tokens);
  assert.ok(last.usage.completion_tokens > 0);
  assert.deepEqual(
    { p: last.usage.prompt_tokens, c: last.usage.completion_tokens },
    { p: plain.usage.prompt_tokens, c: plain.usage.completion_tokens },
    'same text, same usage billed, streaming or not',
  );
  assertVerifies(last.receipt, 'stream receipt');
  assert.equal(last.receipt.promptTokens, String(last.usage.prompt_tokens));
  assert.equal(last.receipt.completionTokens, String(last.usage.completion_tokens));
  assert.equal(BigInt(last.receipt.fee), expectedFee(last.usage.prompt_tokens, last.usage.completion_tokens));
  assert.equal(chunks.filter((c) => 'receipt' in c).length, 1, 'exactly one chunk carries the receipt');
});

test('streaming raw bytes: responseHash = keccak256 of every SSE byte before the receipt event', async () => {
  const body = JSON.stringify({ model: gw.model, messages: [{ role: 'user', content: 'raw stream ✓' }], stream: true });
  const r = await postRaw(gw, '/chat/completions', app.apiKey, body);
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get('content-type'), /^text\/event-stream/);
  const { before: prefix, event, after: rest } = splitAtReceiptEvent(r.bytes);
  const rc = event.receipt;
  assertVerifies(rc, 'raw stream receipt');
  assert.equal(rc.responseHash, keccakBytes(prefix), 'responseHash covers the bytes before the receipt event');
  assert.equal(rc.requestHash, keccakBytes(body), 'requestHash covers the exact request bytes');
  assert.equal(r.headers.get('imogate-receipt-id'), rc.id, 'Imogate-Receipt-Id header names the stream receipt');
  assert.equal(rest, '\n\ndata: [DONE]\n\n', 'the receipt event is followed only by [DONE]');
  assert.ok(Buffer.from(prefix).toString('utf8').startsWith('data: {'), 'the stream is SSE data events');
  // GET /v1/receipts returns the same receipt.
  const got = await fetch(`${gw.apiBase}/receipts/${rc.id}`, { headers: { authorization: `Bearer ${app.apiKey}` } });
  assert.equal(got.status, 200);
  assert.deepEqual(await got.json(), rc);
});

test('completions.create works (plain and streaming)', async () => {
  const { data, response } = await client.completions.create({ model: gw.model, prompt: 'Once upon a time' }).withResponse();
  assert.equal(data.object, 'text_completion');
  assert.ok(data.choices[0].text.startsWith(LABEL), data.choices[0].text);
  assert.ok(data.usage.completion_tokens > 0);
  assertVerifies(decodeReceiptHeader(response.headers.get('imogate-receipt')), 'completion receipt');

  const stream = await client.completions.create({ model: gw.model, prompt: 'Once upon a time', stream: true });
  let text = '';
  let last;
  for await (const chunk of stream) { for (const c of chunk.choices) text += c.text ?? ''; last = chunk; }
  assert.equal(text, data.choices[0].text);
  assertVerifies(last.receipt, 'completion stream receipt');
});

test('embeddings.create works', async () => {
  const { data, response } = await client.embeddings.create({ model: gw.model, input: ['hello world', 'bye'] }).withResponse();
  assert.equal(data.object, 'list');
  assert.equal(data.data.length, 2);
  for (const [i, e] of data.data.entries()) {
    assert.equal(e.index, i);
    assert.ok(Array.isArray(e.embedding) && e.embedding.length > 0, 'a vector');
    assert.ok(e.embedding.every((x) => typeof x === 'number' && Number.isFinite(x)), 'numbers');
  }
  assert.ok(data.usage.prompt_tokens > 0);
  const r = decodeReceiptHeader(response.headers.get('imogate-receipt'));
  assertVerifies(r, 'embedding receipt');
  assert.equal(r.promptTokens, String(data.usage.prompt_tokens));
  assert.equal(r.completionTokens, '0');
  assert.equal(r.fee, '1000', 'per-request price only: per_1k_embedding_wei is not configured');
});

test('errors map to the SDK error classes', async () => {
  await assert.rejects(
    client.chat.completions.create({ model: 'no-such-model', messages }),
    (e) => { assert.ok(e instanceof NotFoundError, `got ${e.constructor.name}: ${e.message}`); assert.equal(e.status, 404); assert.equal(e.code, 'model_not_found'); return true; },
  );
  await assert.rejects(client.models.retrieve('no-such-model'), (e) => e instanceof NotFoundError && e.status === 404);

  const bad = new OpenAI({ baseURL: gw.apiBase, apiKey: 'imk_not_a_real_key', maxRetries: 0 });
  await assert.rejects(
    bad.chat.completions.create({ model: gw.model, messages }),
    (e) => { assert.ok(e instanceof AuthenticationError, `got ${e.constructor.name}`); assert.equal(e.status, 401); return true; },
  );
  await assert.rejects(bad.models.list(), (e) => e instanceof AuthenticationError);

  const poor = new OpenAI({ baseURL: gw.apiBase, apiKey: broke.apiKey, maxRetries: 0 });
  await assert.rejects(
    poor.chat.completions.create({ model: gw.model, messages }),
    (e) => {
      assert.ok(e instanceof APIError, `got ${e.constructor.name}`);
      assert.equal(e.status, 402);
      assert.equal(e.code, 'insufficient_balance');
      assert.equal(e.type, 'insufficient_quota');
      assert.equal(e.headers.get('imogate-receipt'), null, 'a refused call has no receipt');
      return true;
    },
  );
  assert.equal(await gw.balance(broke.id), 0n, 'a refused call costs nothing');

  await assert.rejects(
    client.chat.completions.create({ model: gw.model, messages, max_tokens: -1 }),
    (e) => { assert.ok(e instanceof BadRequestError, `got ${e.constructor.name}`); assert.equal(e.status, 400); assert.equal(e.param, 'max_tokens'); return true; },
  );
});
