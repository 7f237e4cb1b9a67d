// `npm run db:migrate` applies every D1 database's migrations locally (.wrangler/state, or
// $MALLBOTS_STATE_DIR, as `npm start` and `npm run dev` use); `npm run db:migrate:remote` applies them to
// the Cloudflare databases named in wrangler.toml (wrangler asks to confirm each).
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { d1Bindings, migrate, quietEnv, root } from "./local.mjs";

const remote = process.argv.includes("--remote");
if (!remote) {
  const persistTo = resolve(root, process.env.MALLBOTS_STATE_DIR ?? ".wrangler/state");
  migrate(persistTo);
  console.log(`applied the migrations of ${d1Bindings().join(", ")} in ${persistTo}`);
} else {
  for (const db of d1Bindings()) {
    const result = spawnSync(resolve(root, "node_modules/.bin/wrangler"), ["d1", "migrations", "apply", db, "--remote"], { cwd: root, env: quietEnv, stdio: "inherit" });
    if (result.status !== 0) process.exit(result.status ?? 1);
  }
}
