import type { ConfigVars } from "./kernel/config";

/**
 * The Worker's bindings: generated from wrangler.toml by `npm run types` into worker-configuration.d.ts
 * (checked in CI), plus the optional variables and secrets the config reads.
 */
export type Env = Cloudflare.Env & ConfigVars;
