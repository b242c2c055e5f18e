// Idempotency-Key from JS: a repeated request is answered with the stored
// response and receipt and is charged once; a reused key with another body is
// refused with 422.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startGateway, postRaw, decodeReceiptHeader, recoverWithEthers, keccakBytes, splitAtReceiptEvent } from './harness.mjs';

let gw;
let app;
let other;

before(async () => {
  gw = await startGateway();
  [app, other] = await Promise.all([
    gw.createKey({ name: 'js-idem', via: 'http' }),
    gw.createKey({ name: 'js-idem-other', via: 'cli' }),
  ]);
});

after(async () => { await gw?.stop(); });

const chatBody = (content, extra = {}) => JSON.stringify({ model: gw.model, messages: [{ role: 'user', content }], ...extra });

test('same Idempotency-Key + same body: replayed once, identical body and receipt, charged once', async () => {
  const key = randomUUID();
  const body = chatBody('idempotent hello');
  const b0 = await gw.balance(app.id);

  const first = await postRaw(gw, '/chat/completions', app.apiKey, body, { 'Idempotency-Key': key });
  assert.equal(first.status, 200, first.text);
  assert.equal(first.headers.get('idempotent-replayed'), null, 'the first answer is not a replay');
  const rc = decodeReceiptHeader(first.headers.get('imogate-receipt'));
  assert.equal(recoverWithEthers(rc), gw.signer.address);
  assert.equal(rc.responseHash, keccakBytes(first.bytes));
  const b1 = await gw.balance(app.id);
  assert.equal(b1, b0 - BigInt(rc.fee), 'the first call is charged its fee');

  const second = await postRaw(gw, '/chat/completions', app.apiKey, body, { 'Idempotency-Key': key });
  assert.equal(second.status, 200, second.text);
  assert.equal(second.headers.get('idempotent-replayed'), 'true');
  assert.equal(second.headers.get('content-type'), first.headers.get('content-type'));
  assert.equal(second.text, first.text, 'identical body');
  assert.equal(Buffer.compare(Buffer.from(second.bytes), Buffer.from(first.bytes)), 0, 'identical body bytes');
  assert.equal(second.headers.get('imogate-receipt-id'), rc.id, 'same receipt id');
  assert.deepEqual(decodeReceiptHeader(second.headers.get('imogate-receipt')), rc, 'identical receipt');
  assert.equal(await gw.balance(app.id), b1, 'the replay is not charged');

  // A third time, still the same.
  const third = await postRaw(gw, '/chat/completions', app.apiKey, body, { 'Idempotency-Key': key });
  assert.equal(third.headers.get('idempotent-replayed'), 'true');
  assert.equal(third.text, first.text);
  assert.equal(await gw.balance(app.id), b1);

  // Same key with another body: 422, nothing charged.
  const other422 = await postRaw(gw, '/chat/completions', app.apiKey, chatBody('a different question'), { 'Idempotency-Key': key });
  assert.equal(other422.status, 422, other422.text);
  assert.equal(JSON.parse(other422.text).error.code, 'idempotency_key_reused');
  assert.equal(other422.headers.get('imogate-receipt'), null);
  // Even a byte-level difference (same JSON meaning, other spacing) is another body.
  const spaced = await postRaw(gw, '/chat/completions', app.apiKey, body.replace('"model":', '"model": '), { 'Idempotency-Key': key });
  assert.equal(spaced.status, 422, spaced.text);
  assert.equal(await gw.balance(app.id), b1, 'refused calls cost nothing');
});

test('an Idempotency-Key is scoped to the caller: another key with the same key and body gets its own call', async () => {
  const key = randomUUID();
  const body = chatBody('scoped key');
  const a = await postRaw(gw, '/chat/completions', app.apiKey, body, { 'Idempotency-Key': key });
  assert.equal(a.status, 200, a.text);
  const ob0 = await gw.balance(other.id);
  const b = await postRaw(gw, '/chat/completions', other.apiKey, body, { 'Idempotency-Key': key });
  assert.equal(b.status, 200, b.text);
  assert.equal(b.headers.get('idempotent-replayed'), null, 'not a replay of someone else\'s call');
  const ra = decodeReceiptHeader(a.headers.get('imogate-receipt'));
  const rb = decodeReceiptHeader(b.headers.get('imogate-receipt'));
  assert.notEqual(rb.id, ra.id);
  assert.notEqual(rb.payer, ra.payer);
  assert.equal(await gw.balance(other.id), ob0 - BigInt(rb.fee));
});

test('streaming with Idempotency-Key: the replay is the identical SSE stream, charged once', async () => {
  const key = randomUUID();
  const body = chatBody('idempotent stream', { stream: true });
  const b0 = await gw.balance(app.id);
  const first = await postRaw(gw, '/chat/completions', app.apiKey, body, { 'Idempotency-Key': key });
  assert.equal(first.status, 200, first.text);
  const { before: prefix, event } = splitAtReceiptEvent(first.bytes);
  assert.equal(recoverWithEthers(event.receipt), gw.signer.address);
  assert.equal(event.receipt.responseHash, keccakBytes(prefix));
  assert.equal(await gw.balance(app.id), b0 - BigInt(event.receipt.fee));

  const second = await postRaw(gw, '/chat/completions', app.apiKey, body, { 'Idempotency-Key': key });
  assert.equal(second.status, 200, second.text);
  assert.equal(second.headers.get('idempotent-replayed'), 'true');
  assert.match(second.headers.get('content-type'), /^text\/event-stream/);
  assert.equal(second.headers.get('imogate-receipt-id'), event.receipt.id);
  assert.equal(second.text, first.text, 'identical SSE bytes, receipt event and [DONE] included');
  assert.equal(await gw.balance(app.id), b0 - BigInt(event.receipt.fee), 'charged once');
});

test('concurrent requests with one Idempotency-Key are charged once', async () => {
  const key = randomUUID();
  const body = chatBody('concurrent idempotent');
  const b0 = await gw.balance(app.id);
  const rs = await Promise.all(Array.from({ length: 6 }, () => postRaw(gw, '/chat/completions', app.apiKey, body, { 'Idempotency-Key': key })));
  for (const r of rs) assert.ok(r.status === 200 || r.status === 409, `status ${r.status}: ${r.text}`);
  const fresh = rs.filter((r) => r.status === 200 && r.headers.get('idempotent-replayed') !== 'true');
  assert.equal(fresh.length, 1, 'exactly one request ran');
  const rc = decodeReceiptHeader(fresh[0].headers.get('imogate-receipt'));
  for (const r of rs.filter((x) => x.status === 200)) {
    assert.equal(r.text, fresh[0].text);
    assert.equal(r.headers.get('imogate-receipt-id'), rc.id);
  }
  for (const r of rs.filter((x) => x.status === 409)) assert.equal(JSON.parse(r.text).error.code, 'idempotency_in_progress');
  assert.equal(await gw.balance(app.id), b0 - BigInt(rc.fee), 'charged once');
});

test('a call refused for balance leaves no idempotency record: retry after credit runs', async () => {
  const poor = await gw.createKey({ name: 'js-idem-poor', creditWei: 0n, via: 'http' });
  const key = randomUUID();
  const body = chatBody('pay later');
  const r1 = await postRaw(gw, '/chat/completions', poor.apiKey, body, { 'Idempotency-Key': key });
  assert.equal(r1.status, 402, r1.text);
  assert.equal(JSON.parse(r1.text).error.code, 'insufficient_balance');
  assert.equal(await gw.balance(poor.id), 0n);
  const c = await gw.admin('POST', `/admin/accounts/${poor.id}/credit`, { model: gw.model, amount_wei: '10000000' });
  assert.equal(c.status, 200, c.text);
  assert.equal(c.body.balance_wei, '10000000');
  const r2 = await postRaw(gw, '/chat/completions', poor.apiKey, body, { 'Idempotency-Key': key });
  assert.equal(r2.status, 200, r2.text);
  assert.equal(r2.headers.get('idempotent-replayed'), null);
  const rc = decodeReceiptHeader(r2.headers.get('imogate-receipt'));
  assert.equal(await gw.balance(poor.id), 10000000n - BigInt(rc.fee));
});

// A client that retries a stream as soon as the first attempt's receipt is
// committed (e.g. it keeps retrying on 409 idempotency_in_progress, as the
// error message tells it to, or its connection dropped right after the
// receipt event) must get the complete stream: receipt event and [DONE]
// included. The gateway commits the idempotency record (state "done") with
// the bytes sent *before* the receipt event, and adds the full body only
// after the receipt event was written (gateway/stream.go: h.commit(...) then
// write(final) then storeReplayReceipt), so a retry in that window is
// replayed a truncated stream with no receipt and no [DONE].
test('BUG: a stream replay during the first stream\'s last write is truncated (no receipt event, no [DONE])', async () => {
  const rounds = 20;
  for (let i = 0; i < rounds; i++) {
    const key = randomUUID();
    const body = chatBody(`stream retry race ${i}`, { stream: true });
    const send = () => postRaw(gw, '/chat/completions', app.apiKey, body, { 'Idempotency-Key': key });
    const first = send();
    let done = false;
    const answers = [];
    // Retry on 409 until answered, from four concurrent clients.
    const retry = async () => {
      while (!done) {
        const r = await send();
        if (r.status !== 409) { answers.push(r); done = true; }
      }
    };
    await Promise.all([retry(), retry(), retry(), retry()]);
    answers.push(await first);
    const ok = answers.filter((r) => r.status === 200);
    const original = ok.filter((r) => r.headers.get('idempotent-replayed') !== 'true');
    assert.equal(original.length, 1, `round ${i}: exactly one request ran (statuses ${answers.map((r) => r.status)})`);
    const full = original[0].text;
    assert.ok(full.endsWith('data: [DONE]\n\n'));
    for (const r of ok.filter((x) => x.headers.get('idempotent-replayed') === 'true')) {
      assert.ok(r.text.includes('"receipt"'), `round ${i}: the replayed stream lacks the receipt event; it ends with ${JSON.stringify(r.text.slice(-80))}`);
      assert.ok(r.text.endsWith('data: [DONE]\n\n'), `round ${i}: the replayed stream lacks data: [DONE]`);
      assert.equal(r.text, full, `round ${i}: the replay differs from the stream sent`);
    }
  }
});
