import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { copyExplorerAssets } from "./scripts/assets.mjs";

// the static assets wrangler.toml serves (the API explorer) are copied from node_modules, not committed
copyExplorerAssets();

const migrations = async () => ({
  STORES_MIGRATIONS: await readD1Migrations("migrations/stores"),
  BASKETS_MIGRATIONS: await readD1Migrations("migrations/baskets"),
  DEPOT_MIGRATIONS: await readD1Migrations("migrations/depot"),
  NOTIFICATIONS_MIGRATIONS: await readD1Migrations("migrations/notifications"),
  SEARCH_MIGRATIONS: await readD1Migrations("migrations/search"),
  OPS_MIGRATIONS: await readD1Migrations("migrations/ops"),
});

export default defineConfig({
  test: {
    projects: [
      {
        test: { name: "unit", include: ["test/unit/**/*.test.ts"], environment: "node" },
      },
      {
        plugins: [
          cloudflareTest(async () => ({
            // the real entry plus the toy aggregate object the kernel's tests use
            main: "./test/integration/worker.ts",
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              // merged into the bindings wrangler.toml declares (test-only: production never gains it); the
              // tests here step sagas through the queues, direct delivery is tested on its own and end to end
              durableObjects: { TOY: { className: "ToyObject", useSQLite: true } },
              bindings: { ...(await migrations()), QUEUE_RETRY_BASE_SECONDS: "0", SNAPSHOT_EVERY: "5", ADMIN_TOKEN: "test-admin-token", SAGA_DELIVERY: "queues" },
            },
          })),
        ],
        test: {
          name: "workers",
          silent: "passed-only",
          include: ["test/integration/**/*.test.ts"],
          setupFiles: ["./test/integration/apply-migrations.ts"],
          // a real webhook server in Node for the SMS delivery tests
          globalSetup: ["./test/integration/webhook-setup.ts"],
        },
      },
      {
        test: {
          name: "e2e",
          silent: "passed-only",
          include: ["test/e2e/**/*.test.ts"],
          environment: "node",
          globalSetup: ["./test/e2e/global-setup.ts"],
          setupFiles: ["./test/e2e/fresh-connections.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
