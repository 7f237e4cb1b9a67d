// `npm test`: the whole suite (unit, inside workerd, end to end), then one plain summary line.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { quietEnv, root } from "./local.mjs";

const report = resolve(root, "test-results.json");
rmSync(report, { force: true });
const vitest = spawnSync(
  resolve(root, "node_modules/.bin/vitest"),
  ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { cwd: root, env: quietEnv, stdio: "inherit" },
);
if (!existsSync(report)) {
  console.log("0 passed, 0 failed");
  process.exit(vitest.status || 1);
}
const results = JSON.parse(readFileSync(report, "utf8"));
const passed = results.numPassedTests ?? 0;
const failed = (results.numFailedTests ?? 0) + (results.numFailedTestSuites ?? 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(vitest.status !== 0 || failed > 0 || passed === 0 ? 1 : 0);
