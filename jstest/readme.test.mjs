// The README's commands, run as a newcomer runs them: a fresh clone, the
// repository root as the working directory, default flags, and none of
// imogate's environment variables. The commands are read from README.md
// itself, so this test breaks when the README and the code drift apart:
//   1. the first of "The two commands" (the zero-setup demo), until it
//      prints its export lines;
//   2. the Quickstart's curl snippet, with the exported variables;
//   3. the Quickstart's OpenAI SDK snippet, unchanged, with only those
//      variables;
//   4. Ctrl-C, after which the demo and its private Redis are gone.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { mkdtemp, rm, readFile, writeFile, mkdir } from 'node:fs/promises';
import { promisify } from 'node:util';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { decodeReceiptHeader, recoverWithEthers } from './harness.mjs';

const execFileP = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// timeout resolves to v after ms without keeping the process alive.
const timeout = (ms, v) => new Promise((r) => setTimeout(() => r(v), ms).unref());

// readmeBlocks returns the fenced code blocks of one "## " section of the
// README, in order, as { lang, body }.
export function readmeBlocks(readme, heading) {
  const start = readme.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `README has no "## ${heading}" section`);
  const rest = readme.slice(start + 1);
  const end = rest.indexOf('\n## ', 3);
  const section = end < 0 ? rest : rest.slice(0, end);
  const blocks = [];
  const re = /^```(\w*)\n([\s\S]*?)^```$/gm;
  for (let m; (m = re.exec(section)) !== null;) blocks.push({ lang: m[1], body: m[2] });
  return blocks;
}

// commandsOf strips comments and blank lines from a shell block.
function commandsOf(block) {
  return block.body.split('\n').map((l) => l.replace(/\s+#.*$/, '').trim()).filter((l) => l && !l.startsWith('#'));
}

// The environment of a newcomer's shell: the toolchain, nothing of imogate's.
function newcomerEnv(extra = {}) {
  const env = {};
  for (const k of ['PATH', 'HOME', 'USER', 'LANG', 'TMPDIR', 'GOPATH', 'GOCACHE', 'GOMODCACHE', 'GOPROXY', 'GOFLAGS', 'GOTOOLCHAIN']) {
    if (process.env[k] !== undefined) env[k] = process.env[k];
  }
  return { ...env, ...extra };
}

function portFree(port) {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

let demo;
let clone;
after(async () => {
  if (demo && demo.exitCode === null && demo.signalCode === null) {
    demo.kill('SIGKILL');
  }
  if (clone) await rm(clone, { recursive: true, force: true });
});

test('README: the demo command from a fresh clone, then its curl and OpenAI SDK snippets', { timeout: 600_000 }, async () => {
  const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
  const twoCommands = readmeBlocks(readme, 'The two commands');
  assert.ok(twoCommands.length >= 1, 'no code block under "The two commands"');
  const [demoCmd, testCmd] = commandsOf(twoCommands[0]);
  assert.ok(demoCmd && testCmd, `"The two commands" must list the demo command then the test command:\n${twoCommands[0].body}`);
  const quick = readmeBlocks(readme, 'Quickstart');
  const curlBlock = quick.find((b) => b.lang === 'sh' && b.body.includes('curl '));
  const sdkBlock = quick.find((b) => b.lang === 'js' && b.body.includes('openai'));
  assert.ok(curlBlock, 'the Quickstart has no curl snippet');
  assert.ok(sdkBlock, 'the Quickstart has no OpenAI SDK snippet');

  // The demo listens on its default ports; if they are taken the README's
  // command cannot work here either, so say so plainly.
  for (const port of [8080, 8545]) {
    assert.ok(await portFree(port), `port ${port}, which the demo uses by default, is taken on this machine`);
  }

  // A fresh clone of what is committed.
  await mkdir(path.join(ROOT, '.tmp'), { recursive: true });
  clone = await mkdtemp(path.join(os.tmpdir(), 'imogate-readme-'));
  await execFileP('git', ['clone', '--quiet', '--no-hardlinks', ROOT, clone]);

  demo = spawn('bash', ['-c', demoCmd], { cwd: clone, env: newcomerEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: false });
  let out = '';
  let errOut = '';
  demo.stdout.on('data', (d) => { out += d; });
  demo.stderr.on('data', (d) => { errOut += d; });
  const deadline = Date.now() + 480_000; // a cold `go build` in the clone
  while (!/^export OPENAI_API_KEY=\S+$/m.test(out)) {
    if (demo.exitCode !== null || Date.now() > deadline) {
      assert.fail(`"${demoCmd}" did not print its export lines (exit ${demo.exitCode}):\n${out}\n${errOut.slice(-4000)}`);
    }
    await sleep(200);
  }
  const exportLines = out.split('\n').filter((l) => /^export [A-Z_]+=\S+$/.test(l));
  const vars = Object.fromEntries(exportLines.map((l) => l.slice('export '.length).split(/=(.*)/s).slice(0, 2)));
  assert.match(vars.OPENAI_BASE_URL ?? '', /^http:\/\/127\.0\.0\.1:8080\/v1$/);
  assert.match(vars.OPENAI_API_KEY ?? '', /^imk_[0-9a-f]{64}$/);
  const redisURL = (out.match(/Redis: (redis:\/\/127\.0\.0\.1:\d+\/0)/) ?? [])[1];
  assert.ok(redisURL, `the demo did not say which Redis it runs:\n${out}`);

  // The curl snippet, in a shell where the printed lines were pasted.
  const curlScript = `${exportLines.join('\n')}\n${curlBlock.body}`;
  const { stdout: curlOut } = await execFileP('bash', ['-c', curlScript], { cwd: clone, env: newcomerEnv(), timeout: 60_000 });
  assert.match(curlOut, /^HTTP\/1\.1 200/m, `curl snippet:\n${curlOut}`);
  const header = (curlOut.match(/^Imogate-Receipt: (\S+)\r?$/mi) ?? [])[1];
  const receipt = decodeReceiptHeader(header);
  assert.equal(recoverWithEthers(receipt), receipt.signer, 'the curl call\'s receipt does not verify');
  const body = JSON.parse(curlOut.slice(curlOut.indexOf('\r\n\r\n') + 4));
  assert.match(body.choices[0].message.content, /^\[imogate demo\]/);

  // The SDK snippet, unchanged, as a module next to the project's
  // node_modules (where `npm install openai` would put the SDK).
  const snippet = path.join(ROOT, '.tmp', `readme-sdk-${process.pid}.mjs`);
  await writeFile(snippet, sdkBlock.body);
  try {
    const { stdout: sdkOut } = await execFileP(process.execPath, [snippet], { cwd: ROOT, env: newcomerEnv(vars), timeout: 60_000 });
    const demoText = sdkOut.match(/\[imogate demo\]/g) ?? [];
    assert.ok(demoText.length >= 2, `the SDK snippet should print a reply and a streamed reply:\n${sdkOut}`);
  } finally {
    await rm(snippet, { force: true });
  }

  // The API section's curl lines for the Responses and Messages APIs, with
  // the printed lines pasted: two paid calls, each answered with a receipt.
  const apiBlock = readmeBlocks(readme, 'API').find((b) => b.lang === 'sh' && b.body.includes('/responses') && b.body.includes('/v1/messages'));
  assert.ok(apiBlock, 'the API section has no curl lines for /v1/responses and /v1/messages');
  assert.ok(vars.ANTHROPIC_BASE_URL && vars.ANTHROPIC_API_KEY, 'the demo prints no ANTHROPIC_ export lines');
  const { stdout: apiOut } = await execFileP('bash', ['-c', `${exportLines.join('\n')}\n${apiBlock.body}`], { cwd: clone, env: newcomerEnv(), timeout: 60_000 });
  // curl -s -D - prints each answer's headers then its body, which has no
  // final newline: the next answer's status line follows right after it.
  const answers = apiOut.split(/(?=HTTP\/1\.1 \d{3} )/).filter((a) => a.trim());
  assert.equal(answers.length, 2, `two answers expected:\n${apiOut}`);
  for (const a of answers) {
    assert.match(a, /^HTTP\/1\.1 200/, a);
    const rc = decodeReceiptHeader((a.match(/^Imogate-Receipt: (\S+)\r?$/mi) ?? [])[1]);
    assert.equal(recoverWithEthers(rc), rc.signer, 'an API-section call\'s receipt does not verify');
  }
  assert.equal(JSON.parse(answers[0].slice(answers[0].indexOf('\r\n\r\n') + 4)).object, 'response', answers[0]);
  assert.equal(JSON.parse(answers[1].slice(answers[1].indexOf('\r\n\r\n') + 4)).type, 'message');

  // Ctrl-C stops everything: the demo exits cleanly and its Redis is gone.
  const exited = new Promise((r) => demo.once('exit', (code, signal) => r({ code, signal })));
  demo.kill('SIGINT');
  const { code } = await Promise.race([exited, timeout(60_000, { code: 'timeout' })]);
  assert.equal(code, 0, `the demo did not exit cleanly on Ctrl-C (exit ${code}):\n${errOut.slice(-4000)}`);
  const port = Number(new URL(redisURL).port);
  assert.ok(await portFree(port), `the demo's private Redis (port ${port}) still runs after Ctrl-C`);
});
