// The two APIs today's clients speak, through the official SDKs unchanged:
// OpenAI's `openai` (Responses API: responses.create, responses.stream) and
// Anthropic's `@anthropic-ai/sdk` (Messages API: messages.create,
// messages.stream, countTokens), each against a running `imogate serve`, with
// a tool call round trip. Every call's receipt verifies with ethers, and its
// hashes cover the exact bytes on the wire.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI, { BadRequestError } from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { getAddress } from 'ethers';
import { startGateway, decodeReceiptHeader, recoverWithEthers, keccakBytes, expectedFee } from './harness.mjs';

const LABEL = '[imogate demo]';
let gw;
let app;
let openai;
let anthropic;

before(async () => {
  gw = await startGateway();
  app = await gw.createKey({ name: 'js-apis', via: 'http' });
  openai = new OpenAI({ baseURL: gw.apiBase, apiKey: app.apiKey, maxRetries: 0, timeout: 10_000 });
  // Anthropic's SDK appends /v1/messages to its base URL and sends x-api-key.
  anthropic = new Anthropic({ baseURL: gw.baseURL, apiKey: app.apiKey, maxRetries: 0, timeout: 10_000 });
});

after(async () => { await gw?.stop(); });

function assertReceipt(r, usage, what) {
  assert.ok(r && typeof r === 'object', `${what}: a receipt`);
  assert.equal(recoverWithEthers(r), gw.signer.address, `${what}: ethers recovers the gateway signer`);
  assert.equal(getAddress(r.model), gw.token, `${what}: receipt.model is the token`);
  assert.equal(r.promptTokens, String(usage.input_tokens), `${what}: input tokens`);
  assert.equal(r.completionTokens, String(usage.output_tokens), `${what}: output tokens`);
  assert.ok(usage.output_tokens > 0, `${what}: output tokens billed`);
  assert.equal(BigInt(r.fee), expectedFee(usage.input_tokens, usage.output_tokens), `${what}: fee`);
}

const weather = {
  type: 'object',
  properties: { city: { type: 'string', description: 'a city' } },
  required: ['city'],
};

// Splits a named-event SSE body at the event block carrying "receipt".
function splitNamed(bytes) {
  const text = Buffer.from(bytes).toString('latin1');
  const blocks = text.split(/(?<=\n\n)/);
  let offset = 0;
  for (const b of blocks) {
    const data = b.split('\n').find((l) => l.startsWith('data: '));
    if (data) {
      const ev = JSON.parse(Buffer.from(data.slice(6), 'latin1').toString('utf8'));
      if ('receipt' in ev) return { before: Buffer.from(bytes).subarray(0, offset), event: ev, rest: text.slice(offset + b.length) };
    }
    offset += b.length;
  }
  throw new Error(`no event carries a receipt:\n${text.slice(-1500)}`);
}

test('responses.create: output_text, usage and a verifying receipt header over the exact bytes', async () => {
  const res = await openai.responses.create({ model: gw.model, instructions: 'Be terse.', input: 'Say something about tokens.', store: false }).asResponse();
  assert.equal(res.status, 200);
  const bytes = new Uint8Array(await res.arrayBuffer());
  const r = decodeReceiptHeader(res.headers.get('imogate-receipt'));
  assert.equal(res.headers.get('imogate-receipt-id'), r.id);
  assert.equal(r.responseHash, keccakBytes(bytes), 'responseHash covers the bytes received');
  const body = JSON.parse(Buffer.from(bytes).toString('utf8'));
  assertReceipt(r, body.usage, 'responses.create');

  const data = await openai.responses.create({ model: gw.model, input: 'Say something about tokens.', store: false });
  assert.equal(data.object, 'response');
  assert.equal(data.status, 'completed');
  assert.ok(data.output_text.startsWith(LABEL), data.output_text);
});

test('responses.create with a function tool, then its output: a function_call, then text', async () => {
  const tools = [{ type: 'function', name: 'get_weather', description: 'Weather of a city', parameters: weather, strict: false }];
  const input = [{ role: 'user', content: 'What is the weather in Paris?' }];
  const { data, response } = await openai.responses.create({ model: gw.model, input, tools, store: false }).withResponse();
  const call = data.output.find((o) => o.type === 'function_call');
  assert.ok(call, JSON.stringify(data.output));
  assert.equal(call.name, 'get_weather');
  assert.equal(typeof JSON.parse(call.arguments).city, 'string');
  assertReceipt(decodeReceiptHeader(response.headers.get('imogate-receipt')), data.usage, 'tool call');

  const next = await openai.responses.create({
    model: gw.model, tools, store: false,
    input: [...input, call, { type: 'function_call_output', call_id: call.call_id, output: 'sunny, 21 °C' }],
  });
  assert.ok(next.output_text.startsWith(LABEL), next.output_text);
});

test('responses.stream: events, finalResponse(), the receipt on response.completed', async () => {
  const stream = openai.responses.stream({ model: gw.model, input: 'Stream something about tokens.', store: false });
  let deltas = '';
  let completed;
  stream.on('response.output_text.delta', (e) => { deltas += e.delta; });
  for await (const ev of stream) if (ev.type === 'response.completed') completed = ev;
  const final = await stream.finalResponse();
  assert.ok(deltas.startsWith(LABEL), deltas);
  assert.equal(final.output_text, deltas);
  assert.ok(completed, 'a response.completed event');
  assertReceipt(completed.receipt, completed.response.usage, 'responses.stream');
  assert.deepEqual(final.usage, completed.response.usage);
});

test('responses.stream with a tool: streamed arguments and a function_call in the final response', async () => {
  const stream = openai.responses.stream({
    model: gw.model, input: 'Weather in Lisbon?', store: false,
    tools: [{ type: 'function', name: 'get_weather', parameters: weather, strict: false }],
  });
  let args = '';
  stream.on('response.function_call_arguments.delta', (e) => { args += e.delta; });
  const final = await stream.finalResponse();
  const call = final.output.find((o) => o.type === 'function_call');
  assert.ok(call, JSON.stringify(final.output));
  assert.equal(call.arguments, args);
  assert.equal(typeof JSON.parse(args).city, 'string');
});

test('responses raw stream: responseHash = keccak256 of every byte before the receipt event', async () => {
  const body = JSON.stringify({ model: gw.model, input: 'raw ✓', stream: true, store: false });
  const res = await fetch(`${gw.apiBase}/responses`, {
    method: 'POST', body, headers: { authorization: `Bearer ${app.apiKey}`, 'content-type': 'application/json' },
  });
  const bytes = new Uint8Array(await res.arrayBuffer());
  const { before, event, rest } = splitNamed(bytes);
  assert.equal(event.type, 'response.completed');
  assert.equal(rest, '', 'the receipt event is the last');
  assert.equal(event.receipt.responseHash, keccakBytes(before));
  assert.equal(event.receipt.requestHash, keccakBytes(body));
  assert.equal(res.headers.get('imogate-receipt-id'), event.receipt.id);
});

test('stored responses are refused with a clear error', async () => {
  await assert.rejects(
    openai.responses.create({ model: gw.model, input: 'hi', previous_response_id: 'resp_123' }),
    (e) => e instanceof BadRequestError && /store/.test(e.message),
  );
});

test('messages.create: a text block, usage and a verifying receipt over the exact bytes', async () => {
  const { data, response } = await anthropic.messages.create({
    model: gw.model, max_tokens: 64, system: 'Be terse.', messages: [{ role: 'user', content: 'Say something about tokens.' }],
  }).withResponse();
  assert.equal(data.type, 'message');
  assert.equal(data.content[0].type, 'text');
  assert.ok(data.content[0].text.startsWith(LABEL), data.content[0].text);
  assert.ok(['end_turn', 'max_tokens'].includes(data.stop_reason), data.stop_reason);
  const r = decodeReceiptHeader(response.headers.get('imogate-receipt'));
  assertReceipt(r, data.usage, 'messages.create');

  const raw = await anthropic.messages.create({ model: gw.model, max_tokens: 64, messages: [{ role: 'user', content: 'bytes' }] }).asResponse();
  const bytes = new Uint8Array(await raw.arrayBuffer());
  assert.equal(decodeReceiptHeader(raw.headers.get('imogate-receipt')).responseHash, keccakBytes(bytes));
});

test('messages.create with a tool, then its tool_result: tool_use, then text', async () => {
  const tools = [{ name: 'get_weather', description: 'Weather of a city', input_schema: weather }];
  const messages = [{ role: 'user', content: 'What is the weather in Paris?' }];
  const first = await anthropic.messages.create({ model: gw.model, max_tokens: 128, tools, messages });
  assert.equal(first.stop_reason, 'tool_use');
  const use = first.content.find((b) => b.type === 'tool_use');
  assert.ok(use, JSON.stringify(first.content));
  assert.equal(use.name, 'get_weather');
  assert.equal(typeof use.input.city, 'string');
  const second = await anthropic.messages.create({
    model: gw.model, max_tokens: 128, tools,
    messages: [...messages, { role: 'assistant', content: first.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: 'sunny, 21 °C' }] }],
  });
  assert.equal(second.content[0].type, 'text');
  assert.ok(second.content[0].text.startsWith(LABEL));
});

test('messages.stream: text events, finalMessage(), the receipt on message_delta', async () => {
  const stream = anthropic.messages.stream({ model: gw.model, max_tokens: 64, messages: [{ role: 'user', content: 'Stream something.' }] });
  let text = '';
  let delta;
  stream.on('text', (t) => { text += t; });
  stream.on('streamEvent', (e) => { if (e.type === 'message_delta') delta = e; });
  const final = await stream.finalMessage();
  assert.ok(text.startsWith(LABEL), text);
  assert.equal(final.content[0].text, text);
  assert.ok(delta?.receipt, 'message_delta carries the receipt');
  assertReceipt(delta.receipt, final.usage, 'messages.stream');
});

test('messages.stream with a tool: input_json deltas and a parsed tool_use input', async () => {
  const stream = anthropic.messages.stream({
    model: gw.model, max_tokens: 128, messages: [{ role: 'user', content: 'Weather in Oslo?' }],
    tools: [{ name: 'get_weather', input_schema: weather }],
  });
  let partial = '';
  stream.on('inputJson', (d) => { partial += d; });
  const final = await stream.finalMessage();
  const use = final.content.find((b) => b.type === 'tool_use');
  assert.ok(use, JSON.stringify(final.content));
  assert.deepEqual(use.input, JSON.parse(partial));
  assert.equal(final.stop_reason, 'tool_use');
});

test('messages.countTokens and Anthropic-shaped errors', async () => {
  const n = await anthropic.messages.countTokens({ model: gw.model, messages: [{ role: 'user', content: 'count me' }] });
  assert.ok(Number.isInteger(n.input_tokens) && n.input_tokens > 0, JSON.stringify(n));
  await assert.rejects(
    anthropic.messages.create({ model: 'no-such-model', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] }),
    (e) => e instanceof Anthropic.NotFoundError && e.error?.error?.type === 'not_found_error',
  );
  const bad = new Anthropic({ baseURL: gw.baseURL, apiKey: 'imk_wrong', maxRetries: 0 });
  await assert.rejects(
    bad.messages.create({ model: gw.model, max_tokens: 8, messages: [{ role: 'user', content: 'x' }] }),
    (e) => e instanceof Anthropic.AuthenticationError,
  );
  await assert.rejects(
    anthropic.messages.create({ model: gw.model, max_tokens: 8, messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'x' } }] }] }),
    (e) => e instanceof Anthropic.BadRequestError && /document/.test(e.message),
  );
});
