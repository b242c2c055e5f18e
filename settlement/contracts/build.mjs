// build.mjs compiles imogate's Solidity contracts with the pinned solc-js
// (standard JSON, fixed evmVersion, optimizer on), writes their ABI and
// bytecode artifacts, and generates the Go bindings with the abigen pinned as
// a go.mod tool. Everything it writes is committed; settlement/contracts'
// regeneration test runs it into a temporary directory and compares.
//
// Usage (from anywhere in the repository):
//
//	node settlement/contracts/build.mjs [--out DIR]
//
// or `go generate ./settlement/contracts`. DIR defaults to settlement/contracts.
// It needs the npm dependencies installed at the repository root (`npm ci`).

import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const require = createRequire(path.join(root, "package.json"));

// Pinned compiler and settings. Changing any of them changes the bytecode.
const SOLC_VERSION = "0.8.37";
const SETTINGS = {
  evmVersion: "cancun",
  optimizer: { enabled: true, runs: 200 },
  viaIR: false,
};

// Source unit names are paths relative to settlement/contracts; they are part
// of the metadata hash embedded in the bytecode, so they must never change.
const SOURCES = [
  "IERC7641.sol",
  "ERC7641.sol",
  "RevenueShareToken.sol",
  "UsageSettlement.sol",
  "test/MinimalERC7641.sol",
  "test/ReentrantToken.sol",
  "test/RefusingToken.sol",
];

// The contracts that get artifacts and bindings, and the Go package of each.
const CONTRACTS = [
  { source: "IERC7641.sol", name: "IERC7641", pkg: "bindings", file: "ierc7641.go" },
  { source: "RevenueShareToken.sol", name: "RevenueShareToken", pkg: "bindings", file: "revenue_share_token.go" },
  { source: "UsageSettlement.sol", name: "UsageSettlement", pkg: "bindings", file: "usage_settlement.go" },
  { source: "test/MinimalERC7641.sol", name: "MinimalERC7641", pkg: "testbindings", file: "minimal_erc7641.go" },
  { source: "test/ReentrantToken.sol", name: "ReentrantToken", pkg: "testbindings", file: "reentrant_token.go" },
  { source: "test/RefusingToken.sol", name: "RefusingToken", pkg: "testbindings", file: "refusing_token.go" },
  { source: "test/RefusingToken.sol", name: "NoReceiveToken", pkg: "testbindings", file: "no_receive_token.go" },
];

function parseArgs(argv) {
  let out = here;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--out" && i + 1 < argv.length) {
      out = path.resolve(argv[++i]);
    } else {
      throw new Error(`unknown argument ${argv[i]}; usage: node build.mjs [--out DIR]`);
    }
  }
  return { out };
}

function loadSolc() {
  let solc;
  try {
    solc = require("solc");
  } catch (err) {
    throw new Error(`solc-js not found under ${root}/node_modules: run "npm ci" at the repository root (${err.message})`);
  }
  const version = solc.version();
  if (!version.startsWith(SOLC_VERSION + "+")) {
    throw new Error(`solc-js is ${version}, want ${SOLC_VERSION}: run "npm ci" at the repository root`);
  }
  return solc;
}

function findImport(importPath) {
  // Our own sources are given in the input; only npm packages are resolved here.
  const file = path.join(root, "node_modules", importPath);
  if (!file.startsWith(path.join(root, "node_modules") + path.sep)) {
    return { error: `import ${importPath} escapes node_modules` };
  }
  try {
    return { contents: readFileSync(file, "utf8") };
  } catch {
    return { error: `import ${importPath} not found in node_modules` };
  }
}

function compile(solc) {
  const sources = {};
  const outputSelection = {};
  for (const unit of SOURCES) {
    sources[unit] = { content: readFileSync(path.join(here, unit), "utf8") };
    outputSelection[unit] = { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object", "evm.deployedBytecode.immutableReferences"] };
  }
  const input = { language: "Solidity", sources, settings: { ...SETTINGS, outputSelection } };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImport }));
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  // Report diagnostics about our sources; OpenZeppelin's own warnings are noise here.
  for (const e of output.errors ?? []) {
    if (e.severity !== "error" && e.sourceLocation?.file?.startsWith("@openzeppelin/")) continue;
    process.stderr.write((e.formattedMessage ?? e.message) + "\n");
  }
  if (errors.length > 0) {
    throw new Error(`solc reported ${errors.length} error(s)`);
  }
  return { input, output, version: solc.version() };
}

function writeFile(file, text) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

function main() {
  const { out } = parseArgs(process.argv.slice(2));
  const solc = loadSolc();
  const { output, version } = compile(solc);
  const artifacts = path.join(out, "artifacts");

  for (const c of CONTRACTS) {
    const compiled = output.contracts?.[c.source]?.[c.name];
    if (!compiled) throw new Error(`no output for ${c.source}:${c.name}`);
    const bytecode = compiled.evm.bytecode.object;
    const artifact = {
      contractName: c.name,
      sourceName: c.source,
      compiler: { version, settings: SETTINGS },
      abi: compiled.abi,
      bytecode: bytecode ? "0x" + bytecode : "0x",
      deployedBytecode: compiled.evm.deployedBytecode.object ? "0x" + compiled.evm.deployedBytecode.object : "0x",
      // Where the deployed code holds immutables (set by the constructor:
      // EIP-712's cached domain, for one): byte ranges an auditor comparing
      // code on-chain with this build must leave out.
      // (Flattened and sorted: the compiler keys them by AST node ids, which
      // move whenever any source is added.)
      immutableRanges: Object.values(compiled.evm.deployedBytecode.immutableReferences ?? {})
        .flat()
        .sort((a, b) => a.start - b.start)
        .map(({ start, length }) => ({ start, length })),
    };
    writeFile(path.join(artifacts, `${c.name}.json`), JSON.stringify(artifact, null, 2) + "\n");
    writeFile(path.join(artifacts, `${c.name}.abi`), JSON.stringify(compiled.abi));
    const abigenArgs = ["tool", "abigen", "--v2", "--abi", path.join(artifacts, `${c.name}.abi`)];
    if (bytecode) {
      writeFile(path.join(artifacts, `${c.name}.bin`), bytecode);
      abigenArgs.push("--bin", path.join(artifacts, `${c.name}.bin`));
    }
    const goFile = path.join(out, c.pkg, c.file);
    mkdirSync(path.dirname(goFile), { recursive: true });
    abigenArgs.push("--pkg", c.pkg, "--type", c.name, "--out", goFile);
    execFileSync("go", abigenArgs, { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  }
}

try {
  main();
} catch (err) {
  process.stderr.write(`build.mjs: ${err.message}\n`);
  process.exit(1);
}
