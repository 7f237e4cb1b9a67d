import type { Route } from "./api";
import type { AggregateType, Contract } from "./decider";
import type { ContextHandlers } from "./messages";
import type { Mirror } from "./projection";
import type { SagaDefinition } from "./saga";
import { logError } from "./log";

/** An aggregate type hosted by a Durable Object class under a binding (SPEC §1.4). */
export interface AggregateBinding {
  type: AggregateType<any, any, any, any>;
  /** Durable Object namespace binding, e.g. `PRODUCT`. */
  binding: string;
  /** The class exported by the Worker entry, e.g. `ProductObject`. */
  className: string;
}

/** A saga hosted by a Durable Object class; its replies arrive on the module's queue through its reply channel. */
export interface SagaBinding {
  definition: SagaDefinition<any>;
  binding: string;
  className: string;
  /** The replies it accepts: routed by reply channel, never by name (SPEC §5.3). */
  replies: Contract;
}

/**
 * A bounded context declared in one place (ARCHITECTURE §2 "Modules"), as the reference system's
 * module.go wires a context. The app, consumer, topology, message registry and admin are derived
 * from the list of modules in src/modules.ts; wrangler.toml is checked against it by a test.
 */
export interface Module {
  /** Context name; its inbound queue is `mallbots-<name>`, its dead-letter queue `mallbots-<name>-dlq`. */
  name: string;
  aggregates: readonly AggregateBinding[];
  sagas?: readonly SagaBinding[];
  /** REST endpoints, literal paths before parameter paths (SPEC §2.4). */
  routes: readonly Route[];
  /** Message handlers by the names they consume: the context subscribes to exactly these. */
  handlers: ContextHandlers<any>;
  /** The messages this context defines (events, domain events, commands, replies). */
  contracts: readonly Contract[];
  /** Its D1 database, if it keeps a read model. */
  database?: ReadModelDatabase;
  /** Periodic work, run by the Worker's cron trigger (SPEC §1.4) at the trigger's scheduled time (epoch ms). */
  scheduled?(env: any, at: number): Promise<void>;
}

/** A context's D1 read model: what a rebuild (SPEC §7) empties and how it refills each row from its owner. */
export interface ReadModelDatabase {
  binding: string;
  migrations: string;
  /** Tables a rebuild empties first; never the inbox, `streams` or a log such as notifications. */
  tables: readonly string[];
  /** The mirror of each aggregate stream the `streams` table lists. */
  mirrors: readonly Mirror<any, any>[];
}

/**
 * The cron trigger: every module's `scheduled` hook, concurrently. A failing hook is logged and does
 * not stop the others; the run fails if any did, so the runtime reports it.
 */
export async function runScheduled(modules: readonly Pick<Module, "name" | "scheduled">[], env: object, at: number): Promise<void> {
  const runs = modules.flatMap((m) => (m.scheduled ? [{ name: m.name, run: m.scheduled(env, at) }] : []));
  const outcomes = await Promise.allSettled(runs.map((r) => r.run));
  const failed = runs.filter((_, i) => outcomes[i]!.status === "rejected");
  outcomes.forEach((o, i) => {
    if (o.status === "rejected") logError("scheduled work failed", o.reason, { context: runs[i]!.name });
  });
  if (failed.length > 0) throw new Error(`scheduled work failed: ${failed.map((r) => r.name).join(", ")}`);
}

export const defineModule = <const M extends Module>(module: M): M => module;
