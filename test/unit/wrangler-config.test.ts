import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { unstable_readConfig } from "wrangler";
import { describe, expect, it } from "vitest";
import { queueBinding, queueName } from "../../queues/topology";
import { modules } from "../../src/modules";

/** wrangler.toml declares exactly what the modules need (ARCHITECTURE §2 "Modules"): nothing extra, nothing missing. */

/** The parts of the parsed configuration this test reads. */
interface WranglerConfig {
  durable_objects: { bindings: { name: string; class_name: string }[] };
  migrations: { new_sqlite_classes?: string[] }[];
  d1_databases: { binding: string; migrations_dir?: string }[];
  queues: { producers?: { binding: string; queue: string }[]; consumers?: { queue: string; dead_letter_queue?: string }[] };
  vars: Record<string, unknown>;
}

const config: WranglerConfig = unstable_readConfig({ config: resolve(import.meta.dirname, "../../wrangler.toml") });
const sorted = <T>(xs: readonly T[]) => [...xs].sort();
/** OPS_DB belongs to no context (SPEC §1.2): dead letters and delivery failures. */
const ops = { binding: "OPS_DB", migrations: "migrations/ops" };

describe("wrangler.toml against src/modules.ts", () => {
  it("declares one Durable Object binding per aggregate and saga, with its class", () => {
    const wanted = modules.flatMap((m) => [...m.aggregates, ...(m.sagas ?? [])].map((a) => ({ name: a.binding, class_name: a.className })));
    expect(sorted(config.durable_objects.bindings.map((b) => `${b.name}=${b.class_name}`))).toEqual(sorted(wanted.map((b) => `${b.name}=${b.class_name}`)));
  });

  it("creates every object class as a SQLite class in its migrations, once", () => {
    const classes = config.migrations.flatMap((m) => m.new_sqlite_classes ?? []);
    expect(sorted(classes)).toEqual(sorted(config.durable_objects.bindings.map((b) => b.class_name)));
  });

  it("declares each context's D1 database with its migrations folder, and OPS_DB", () => {
    const wanted = [...modules.flatMap((m) => (m.database ? [m.database] : [])), ops];
    expect(sorted(config.d1_databases.map((d) => `${d.binding}:${d.migrations_dir}`))).toEqual(
      sorted(wanted.map((d) => `${d.binding}:${d.migrations}`)),
    );
  });

  it("declares each context's inbound queue producer, consumer and dead-letter queue consumer", () => {
    const names = modules.map((m) => m.name);
    expect(sorted(config.queues.producers?.map((p) => `${p.binding}=${p.queue}`) ?? [])).toEqual(
      sorted(names.map((n) => `${queueBinding(n)}=${queueName(n)}`)),
    );
    expect(sorted(config.queues.consumers?.map((c) => `${c.queue}>${c.dead_letter_queue ?? ""}`) ?? [])).toEqual(
      sorted(names.flatMap((n) => [`${queueName(n)}>${queueName(n)}-dlq`, `${queueName(n)}-dlq>`])),
    );
  });
});

describe("wrangler.toml and the test-only fault switches", () => {
  const toml = readFileSync(resolve(import.meta.dirname, "../../wrangler.toml"), "utf8");

  it("never sets ALLOW_TEST_FAULTS or a fault variable, in any environment", () => {
    for (const name of ["ALLOW_TEST_FAULTS", "OUTBOX_RELAY_FAULT", "STALL_QUEUES"]) {
      expect(config.vars).not.toHaveProperty(name);
      // the raw text also covers [env.<name>.vars] sections and inline tables
      expect(toml).not.toMatch(new RegExp(`\\b${name}\\s*=`));
    }
  });
});
