// `npm start`: apply local D1 migrations, then serve the API and docs with wrangler dev.
import { resolve } from "node:path";
import { migrate, root, startCron, startDev } from "./local.mjs";

const port = Number(process.env.PORT ?? 8787);
const persistTo = resolve(root, process.env.MALLBOTS_STATE_DIR ?? ".wrangler/state");
migrate(persistTo);
const child = await startDev({ port, persistTo, timeoutMs: 120_000 });
// local runtimes do not fire cron triggers: fire the SMS retry sweep once a minute, as the platform would
const cron = startCron(port);
console.log(`MallBots is up: API http://127.0.0.1:${port}/api, docs http://127.0.0.1:${port}/ (Ctrl-C stops)`);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => { cron.stop(); try { process.kill(-child.pid, "SIGTERM"); } catch {} process.exit(0); });
child.on("exit", (code) => { cron.stop(); process.exit(code ?? 0); });
