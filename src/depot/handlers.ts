import type { Env } from "../env";
import { commandHandler } from "../kernel/commands";
import { unwrap } from "../kernel/errors";
import { type ContextHandlers, on } from "../kernel/messages";
import { aggregate } from "../kernel/objects";
import { rowProjector } from "../kernel/projection";
import { settleCommand } from "../kernel/replies";
import { storesApi } from "../stores/contract";
import { depotCommands, depotDomain } from "./contract";
import type { StopsLookup } from "./domain";
import {
  board,
  insertList,
  insertProduct,
  insertStore,
  productsCache,
  renameStore,
  resolveStops,
  storesCache,
  updateListStatus,
  updateProduct,
} from "./readmodel";

const list = commandHandler((env: Env) => env.SHOPPING_LIST);
const storeRow = rowProjector(storesCache);
const productRow = rowProjector(productsCache);
const boardRow = rowProjector(board);

export const depotHandlers: ContextHandlers<Env> = {
  // caches fed by the Stores context
  "storesapi.StoreCreated": storeRow.on(storesApi["storesapi.StoreCreated"], (db, id, v, m) => insertStore(db, id, m.payload, v)),
  "storesapi.StoreRebranded": storeRow.on(storesApi["storesapi.StoreRebranded"], (db, id, v, m) => renameStore(db, id, m.payload.name, v)),
  "storesapi.ProductAdded": productRow.on(storesApi["storesapi.ProductAdded"], (db, id, v, m) => insertProduct(db, id, m.payload, v)),
  "storesapi.ProductRebranded": productRow.on(storesApi["storesapi.ProductRebranded"], (db, id, v, m) =>
    updateProduct(db, id, v, { name: m.payload.name }),
  ),
  "storesapi.ProductRemoved": productRow.on(storesApi["storesapi.ProductRemoved"], (db, id, v) => updateProduct(db, id, v, { removed: true })),

  // the shopping-list board, fed by the context's own domain events
  "depot.ShoppingListCreated": boardRow.on(depotDomain["depot.ShoppingListCreated"], (db, id, v, m) => insertList(db, id, m.payload, v, m.occurredAt)),
  "depot.ShoppingListInitiated": boardRow.on(depotDomain["depot.ShoppingListInitiated"], (db, id, v, m) =>
    updateListStatus(db, id, v, m.occurredAt, "available"),
  ),
  "depot.ShoppingListAssigned": boardRow.on(depotDomain["depot.ShoppingListAssigned"], (db, id, v, m) =>
    updateListStatus(db, id, v, m.occurredAt, "assigned", m.payload.botId),
  ),
  "depot.ShoppingListCompleted": boardRow.on(depotDomain["depot.ShoppingListCompleted"], (db, id, v, m) =>
    updateListStatus(db, id, v, m.occurredAt, "completed"),
  ),
  "depot.ShoppingListCanceled": boardRow.on(depotDomain["depot.ShoppingListCanceled"], (db, id, v, m) =>
    updateListStatus(db, id, v, m.occurredAt, "canceled"),
  ),

  // saga commands; a list created by the saga has the command's message id (SPEC §2.1). `handle()`
  // answers a redelivered command from its inbox, whatever the lookups found; should the lookups fail,
  // the inbox is asked first, so a command already handled is not retried for a lookup it does not need.
  "depotapi.CreateShoppingListCommand": on(depotCommands["depotapi.CreateShoppingListCommand"], async (env, m, handler, replyToCaller) => {
    const list = aggregate(env.SHOPPING_LIST, m.id);
    let stops: StopsLookup;
    try {
      stops = await resolveStops(env, m.payload.items, { correlationId: m.metadata.correlationId, causationId: m.id });
    } catch (error) {
      const recorded = unwrap(await list.recorded(handler, m.id));
      if (recorded) return settleCommand({ ...recorded, duplicate: true }, replyToCaller);
      throw error;
    }
    return settleCommand(
      await list.handle(handler, m, { type: "CreateShoppingList", orderId: m.payload.orderId, itemCount: m.payload.items.length, stops }, replyToCaller),
      replyToCaller,
    );
  }),
  "depotapi.CancelShoppingListCommand": on(
    depotCommands["depotapi.CancelShoppingListCommand"],
    list((p) => p.id, () => ({ type: "CancelShoppingList" })),
  ),
  "depotapi.InitiateShoppingCommand": on(
    depotCommands["depotapi.InitiateShoppingCommand"],
    list((p) => p.id, () => ({ type: "InitiateShopping" })),
  ),
};
