// Package contracts holds imogate's Solidity sources (the ERC-7641
// revenue-share token RevenueShareToken and the UsageSettlement contract),
// the script that compiles them with the pinned solc-js and generates their
// Go bindings, and the committed outputs: ABI and bytecode artifacts in
// artifacts/, bindings in the bindings package (and, for test-only contracts,
// the testbindings package). The gas figures are in GAS.md.
//
// Regenerate everything with
//
//	go generate ./settlement/contracts
//
// (equivalently `node settlement/contracts/build.mjs`), after `npm ci` at the
// repository root. A test proves that regenerating gives no diff.
package contracts

//go:generate node build.mjs
