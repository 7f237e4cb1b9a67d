import type { Env } from "../env";
import { commandHandler } from "../kernel/commands";
import { aggregate } from "../kernel/objects";
import { rowProjector } from "../kernel/projection";
import { type ContextHandlers, on } from "../../queues/consumer";
import { storesApi } from "../stores/contract";
import type { Product, Store } from "../stores/domain";
import { depotCommands, depotDomain } from "./contract";
import type { ShoppingList, ShoppingListCommand } from "./domain";
import {
  insertList,
  insertProduct,
  insertStore,
  renameStore,
  resolveStops,
  updateListStatus,
  updateProduct,
  upsertList,
  upsertProduct,
  upsertStore,
} from "./readmodel";

const list = (env: Env, id: string) => aggregate<ShoppingListCommand, ShoppingList>(env.SHOPPING_LIST, id);

const storeRow = rowProjector<Env, Store>({
  db: (env) => env.DEPOT_DB,
  stream: "stores.Store",
  table: "stores_cache",
  objects: (env) => env.STORE,
  upsert: upsertStore,
});
const productRow = rowProjector<Env, Product>({
  db: (env) => env.DEPOT_DB,
  stream: "stores.Product",
  table: "products_cache",
  objects: (env) => env.PRODUCT,
  upsert: upsertProduct,
});
const boardRow = rowProjector<Env, ShoppingList>({
  db: (env) => env.DEPOT_DB,
  stream: "depot.ShoppingList",
  table: "shopping_lists",
  objects: (env) => env.SHOPPING_LIST,
  upsert: upsertList,
});

export const depotHandlers: ContextHandlers<Env> = {
  // caches fed by the Stores context
  "storesapi.StoreCreated": on(
    storesApi["storesapi.StoreCreated"],
    storeRow<{ name: string; location: string }>((db, id, v, m) => insertStore(db, id, m.payload, v)),
  ),
  "storesapi.StoreRebranded": on(
    storesApi["storesapi.StoreRebranded"],
    storeRow<{ name: string }>((db, id, v, m) => renameStore(db, id, m.payload.name, v)),
  ),
  "storesapi.ProductAdded": on(
    storesApi["storesapi.ProductAdded"],
    productRow<{ storeId: string; name: string }>((db, id, v, m) => insertProduct(db, id, m.payload, v)),
  ),
  "storesapi.ProductRebranded": on(
    storesApi["storesapi.ProductRebranded"],
    productRow<{ name: string }>((db, id, v, m) => updateProduct(db, id, v, { name: m.payload.name })),
  ),
  "storesapi.ProductRemoved": on(
    storesApi["storesapi.ProductRemoved"],
    productRow((db, id, v) => updateProduct(db, id, v, { removed: true })),
  ),

  // the shopping-list board, fed by the context's own domain events
  "depot.ShoppingListCreated": on(
    depotDomain["depot.ShoppingListCreated"],
    boardRow<{ orderId: string; stops: unknown }>((db, id, v, m) => insertList(db, id, m.payload, v, m.occurredAt)),
  ),
  "depot.ShoppingListInitiated": on(
    depotDomain["depot.ShoppingListInitiated"],
    boardRow((db, id, v, m) => updateListStatus(db, id, v, m.occurredAt, "available")),
  ),
  "depot.ShoppingListAssigned": on(
    depotDomain["depot.ShoppingListAssigned"],
    boardRow<{ botId: string }>((db, id, v, m) => updateListStatus(db, id, v, m.occurredAt, "assigned", m.payload.botId)),
  ),
  "depot.ShoppingListCompleted": on(
    depotDomain["depot.ShoppingListCompleted"],
    boardRow((db, id, v, m) => updateListStatus(db, id, v, m.occurredAt, "completed")),
  ),
  "depot.ShoppingListCanceled": on(
    depotDomain["depot.ShoppingListCanceled"],
    boardRow((db, id, v, m) => updateListStatus(db, id, v, m.occurredAt, "canceled")),
  ),

  // saga commands; a list created by the saga has the command's message id (SPEC §2.1)
  "depotapi.CreateShoppingListCommand": on(depotCommands["depotapi.CreateShoppingListCommand"], async (env, m, handler) => {
    const stops = await resolveStops(env, m.payload.items);
    const command: ShoppingListCommand = { type: "CreateShoppingList", orderId: m.payload.orderId, itemCount: m.payload.items.length, stops };
    await commandHandler((e: Env) => list(e, m.id), () => command)(env, m, handler);
  }),
  "depotapi.CancelShoppingListCommand": on(
    depotCommands["depotapi.CancelShoppingListCommand"],
    commandHandler(
      (env: Env, p) => list(env, p.id),
      (): ShoppingListCommand => ({ type: "CancelShoppingList" }),
    ),
  ),
  "depotapi.InitiateShoppingCommand": on(
    depotCommands["depotapi.InitiateShoppingCommand"],
    commandHandler(
      (env: Env, p) => list(env, p.id),
      (): ShoppingListCommand => ({ type: "InitiateShopping" }),
    ),
  ),
};
