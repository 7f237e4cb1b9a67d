import type { D1Migration } from "cloudflare:test";
import type { Env as WorkerEnv } from "../../src/env";
import type { ToyObject } from "./worker";

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      STORES_MIGRATIONS: D1Migration[];
      BASKETS_MIGRATIONS: D1Migration[];
      DEPOT_MIGRATIONS: D1Migration[];
      NOTIFICATIONS_MIGRATIONS: D1Migration[];
      SEARCH_MIGRATIONS: D1Migration[];
      OPS_MIGRATIONS: D1Migration[];
      /** Test-only: the toy counter (test/integration/worker.ts). */
      TOY: DurableObjectNamespace<ToyObject>;
    }
  }
}
