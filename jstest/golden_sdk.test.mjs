// The golden translated streams (gateway/dialect/testdata/golden/*/answer.sse,
// the bytes imogate sends for recorded upstream streams) parsed by the
// official SDKs' own stream accumulators: OpenAI's ResponseStream validates
// every item identity, index and content part; Anthropic's MessageStream
// rebuilds the message. Both must accept every golden stream and rebuild the
// text and tool calls it carries.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';

const root = path.resolve(import.meta.dirname, '../gateway/dialect/testdata/golden');
let body = '';
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
    res.end(body);
  });
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;
after(() => server.close());

const cases = (await readdir(root)).filter((d) => d.endsWith('_stream'));

test('there are golden streams of both APIs', () => {
  assert.ok(cases.some((c) => c.startsWith('responses_')) && cases.some((c) => c.startsWith('messages_')), cases.join(', '));
});

for (const name of cases) {
  test(`${name}: the official SDK accepts the stream and rebuilds its output`, async () => {
    body = await readFile(path.join(root, name, 'answer.sse'), 'utf8');
    if (name.startsWith('responses_')) {
      const client = new OpenAI({ baseURL: base, apiKey: 'x', maxRetries: 0 });
      const stream = client.responses.stream({ model: 'm', input: 'x' });
      let text = '';
      stream.on('response.output_text.delta', (e) => { text += e.delta; });
      const final = await stream.finalResponse();
      assert.equal(final.status, 'completed');
      assert.equal(final.output_text, text);
      assert.ok(final.usage.output_tokens > 0);
      for (const o of final.output.filter((x) => x.type === 'function_call')) JSON.parse(o.arguments);
      assert.ok(final.output.length > 0);
    } else {
      const client = new Anthropic({ baseURL: base, apiKey: 'x', maxRetries: 0 });
      const stream = client.messages.stream({ model: 'm', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] });
      let text = '';
      stream.on('text', (t) => { text += t; });
      const final = await stream.finalMessage();
      assert.ok(final.stop_reason);
      assert.equal(final.content.filter((b) => b.type === 'text').map((b) => b.text).join(''), text);
      assert.ok(final.usage.output_tokens > 0 && final.usage.input_tokens > 0);
    }
  });
}
