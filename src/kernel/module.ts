import type { Route } from "./api";
import type { AggregateType, Contract } from "./decider";
import type { ContextHandlers } from "./messages";
import type { Mirror } from "./projection";
import type { SagaDefinition } from "./saga";

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

export const defineModule = <const M extends Module>(module: M): M => module;
