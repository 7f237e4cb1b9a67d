// Copies the API explorer's files (swagger-ui-dist) into public/explorer/, the Workers static assets
// directory of wrangler.toml. public/ is generated: vitest.config.ts and build (scripts/local.mjs) call this
// before wrangler needs it; run `node scripts/assets.mjs` before `wrangler deploy`.
import { copyFileSync, mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(import.meta.dirname, "..");
const from = resolve(root, "node_modules/swagger-ui-dist");
export const explorerDir = resolve(root, "public/explorer");
/** The files the page at `/` loads, plus the licence texts that ship with them. */
export const explorerFiles = ["swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-bundle.js.LICENSE.txt", "favicon-32x32.png", "LICENSE", "NOTICE"];

export function copyExplorerAssets() {
  mkdirSync(explorerDir, { recursive: true });
  for (const file of explorerFiles) copyFileSync(resolve(from, file), resolve(explorerDir, file));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) copyExplorerAssets();
