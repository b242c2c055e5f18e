#!/usr/bin/env node
// scripts/lint-dockerfile.mjs — lints Dockerfiles with dockerfile-utils (the
// validator behind VS Code's Docker extension; pinned in package.json), every
// check at error severity. Prints one line per problem and exits 1 on any.
//
//   node scripts/lint-dockerfile.mjs [Dockerfile ...]     (default: ./Dockerfile)
import { readFileSync } from "node:fs";
import { validate, ValidationSeverity } from "dockerfile-utils";

const strict = {
  deprecatedMaintainer: ValidationSeverity.ERROR,
  directiveCasing: ValidationSeverity.ERROR,
  emptyContinuationLine: ValidationSeverity.ERROR,
  instructionCasing: ValidationSeverity.ERROR,
  instructionCmdMultiple: ValidationSeverity.ERROR,
  instructionEntrypointMultiple: ValidationSeverity.ERROR,
  instructionHealthcheckMultiple: ValidationSeverity.ERROR,
  instructionJSONInSingleQuotes: ValidationSeverity.ERROR,
  instructionWorkdirRelative: ValidationSeverity.ERROR,
};
const severity = { 1: "error", 2: "warning", 3: "information", 4: "hint" };

const files = process.argv.length > 2 ? process.argv.slice(2) : ["Dockerfile"];
let problems = 0;
for (const file of files) {
  const diagnostics = validate(readFileSync(file, "utf8"), strict);
  for (const d of diagnostics) {
    const { line, character } = d.range.start;
    console.log(`${file}:${line + 1}:${character + 1}: ${severity[d.severity] ?? "problem"}: ${d.message} (code ${d.code})`);
  }
  problems += diagnostics.length;
  if (diagnostics.length === 0) console.log(`ok   ${file}: dockerfile-utils found no problem`);
}
process.exit(problems === 0 ? 0 : 1);
