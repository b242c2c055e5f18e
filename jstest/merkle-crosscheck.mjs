// Cross-language check of settlement/merkle against OpenZeppelin's
// @openzeppelin/merkle-tree, driven by the Go test
// settlement/merkle/crosscheck_test.go (not a node --test file).
//
// Usage: node jstest/merkle-crosscheck.mjs DIR
//
// For every DIR/<name>.dump.json written by Go (with DIR/<name>.expect.json
// holding Go's root and the proof of every value, by value index):
//   - StandardMerkleTree.load(JSON.parse(dump)) must succeed and give Go's root;
//   - getProof(i) must equal Go's proof i, and StandardMerkleTree.verify must
//     accept it (and reject it for a value with a changed fee);
//   - StandardMerkleTree.of(values, leafEncoding) must rebuild the same root,
//     and JSON.stringify of its dump() must equal Go's file byte for byte;
//     that dump is written to DIR/<name>.node.json for Go to load back.
// Prints one line per tree; exits 1 if anything differs, 2 on bad usage.
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node merkle-crosscheck.mjs DIR');
  process.exit(2);
}

const failures = [];
const fail = (name, msg) => failures.push(`${name}: ${msg}`);
const eqList = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

const names = (await readdir(dir))
  .filter((f) => f.endsWith('.dump.json'))
  .map((f) => f.slice(0, -'.dump.json'.length))
  .sort();
if (names.length === 0) {
  console.error(`no *.dump.json files in ${dir}`);
  process.exit(2);
}

for (const name of names) {
  const raw = await readFile(path.join(dir, `${name}.dump.json`), 'utf8');
  const expect = JSON.parse(await readFile(path.join(dir, `${name}.expect.json`), 'utf8'));
  const data = JSON.parse(raw);

  let tree;
  try {
    tree = StandardMerkleTree.load(data);
  } catch (err) {
    fail(name, `StandardMerkleTree.load threw: ${err.message}`);
    continue;
  }
  if (tree.root !== expect.root) fail(name, `load root ${tree.root}, Go root ${expect.root}`);
  if (tree.length !== expect.proofs.length) fail(name, `load has ${tree.length} values, Go wrote ${expect.proofs.length} proofs`);

  for (const [i, value] of tree.entries()) {
    const proof = tree.getProof(i);
    const goProof = expect.proofs[i] ?? [];
    if (!eqList(proof, goProof)) fail(name, `proof ${i}: node ${JSON.stringify(proof)}, Go ${JSON.stringify(goProof)}`);
    if (!StandardMerkleTree.verify(expect.root, data.leafEncoding, value, goProof)) fail(name, `Go proof ${i} does not verify`);
    const bad = [...value];
    bad[7] = BigInt(bad[7]) === 0n ? '1' : (BigInt(bad[7]) - 1n).toString();
    if (StandardMerkleTree.verify(expect.root, data.leafEncoding, bad, goProof)) fail(name, `proof ${i} verifies a value with a changed fee`);
  }

  const own = StandardMerkleTree.of(data.values.map((v) => v.value), data.leafEncoding);
  if (own.root !== expect.root) fail(name, `of(values) root ${own.root}, Go root ${expect.root}`);
  const ownDump = JSON.stringify(own.dump());
  if (ownDump !== raw) {
    let at = 0;
    while (at < raw.length && raw[at] === ownDump[at]) at++;
    fail(name, `node's dump differs from Go's at byte ${at}: node …${ownDump.slice(at, at + 60)}… Go …${raw.slice(at, at + 60)}…`);
  }
  await writeFile(path.join(dir, `${name}.node.json`), ownDump);
  console.log(`${name}: ${tree.length} values, root ${tree.root}, ${tree.length} proofs checked`);
}

if (failures.length > 0) {
  console.error(`${failures.length} mismatch(es):\n${failures.slice(0, 50).join('\n')}`);
  process.exit(1);
}
