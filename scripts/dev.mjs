// `npm run dev`: apply local D1 migrations, then `wrangler dev` with live reload (rebuilds on save and
// reloads the docs and admin pages). Extra arguments go to wrangler, e.g. `npm run dev -- --port 8788`.
// State is shared with `npm start` (.wrangler/state, or $MALLBOTS_STATE_DIR).
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { migrate, quietEnv, root } from "./local.mjs";

const persistTo = resolve(root, process.env.MALLBOTS_STATE_DIR ?? ".wrangler/state");
migrate(persistTo);
const child = spawn(resolve(root, "node_modules/.bin/wrangler"), ["dev", "--local", "--live-reload", "--persist-to", persistTo, ...process.argv.slice(2)], {
  cwd: root,
  env: quietEnv,
  stdio: "inherit",
});
// Ctrl-C reaches wrangler through the terminal; a SIGTERM sent to this process alone is passed on
process.on("SIGTERM", () => child.kill("SIGTERM"));
process.on("SIGINT", () => {});
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
