// Installs dependencies when node_modules is missing or older than the lockfile, so `npm start`
// and `npm test` work first on a fresh clone.
import { execSync } from "node:child_process";
import { existsSync, lstatSync, statSync } from "node:fs";

// A linked node_modules (a bench snapshot, a worktree) belongs to another checkout: never reinstall through it.
const linked = existsSync("node_modules") && lstatSync("node_modules").isSymbolicLink();
const marker = "node_modules/.package-lock.json";
const stale = !existsSync(marker) || (existsSync("package-lock.json") && statSync("package-lock.json").mtimeMs > statSync(marker).mtimeMs);
if (stale && !linked) {
  console.log("installing dependencies (npm ci)…");
  execSync(existsSync("package-lock.json") ? "npm ci --no-audit --no-fund" : "npm install --no-audit --no-fund", {
    stdio: "inherit",
  });
}
