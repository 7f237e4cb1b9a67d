import { applyD1Migrations, env } from "cloudflare:test";

await applyD1Migrations(env.STORES_DB, env.STORES_MIGRATIONS);
await applyD1Migrations(env.BASKETS_DB, env.BASKETS_MIGRATIONS);
await applyD1Migrations(env.DEPOT_DB, env.DEPOT_MIGRATIONS);
await applyD1Migrations(env.NOTIFICATIONS_DB, env.NOTIFICATIONS_MIGRATIONS);
await applyD1Migrations(env.SEARCH_DB, env.SEARCH_MIGRATIONS);
await applyD1Migrations(env.OPS_DB, env.OPS_MIGRATIONS);
