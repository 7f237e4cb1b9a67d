import { basketsModule } from "./baskets/module";
import { cosecModule } from "./cosec/module";
import { customersModule } from "./customers/module";
import { depotModule } from "./depot/module";
import type { Module, ReadModelDatabase } from "./kernel/module";
import { buildRegistry } from "./kernel/registry";
import { notificationsModule } from "./notifications/module";
import { orderingModule } from "./ordering/module";
import { paymentsModule } from "./payments/module";
import { searchModule } from "./search/module";
import { storesModule } from "./stores/module";

/**
 * Every bounded context, in one list. The app's routes and tags, the consumer's dispatch, the topology,
 * the message registry and the admin stream map are derived from it; wrangler.toml is checked against it.
 */
export const modules: readonly Module[] = [
  storesModule,
  basketsModule,
  customersModule,
  orderingModule,
  depotModule,
  paymentsModule,
  notificationsModule,
  searchModule,
  cosecModule,
];

/** Every message on the wire, by name: the contracts of all contexts. */
export const messageSchemas = buildRegistry(...modules.flatMap((m) => m.contracts));

/** Aggregate streams by name (e.g. `stores.Product`) and the object binding that holds them. */
export const streamBindings: ReadonlyMap<string, string> = new Map(
  modules.flatMap((m) => m.aggregates.map((a): [string, string] => [a.type.name, a.binding])),
);

/** Saga object bindings by saga name (e.g. `cosec.CreateOrder`). */
export const sagaBindings: ReadonlyMap<string, string> = new Map(
  modules.flatMap((m) => (m.sagas ?? []).map((s): [string, string] => [s.definition.name, s.binding])),
);

/** Read models by context name, for the rebuild (SPEC §7). */
export const readModels: ReadonlyMap<string, ReadModelDatabase> = new Map(
  modules.flatMap((m) => (m.database ? [[m.name, m.database] as const] : [])),
);
