import type { Route } from "./api";
import type { AggregateType, Contract } from "./decider";
import type { ContextHandlers } from "./messages";
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
  database?: { binding: string; migrations: string };
}

export const defineModule = <const M extends Module>(module: M): M => module;
