import { customersApi } from "../customers/contract";
import type { Env } from "../env";
import { type ContextHandlers, on } from "../kernel/messages";
import { causeOf, project, refetchRow, rowProjector } from "../kernel/projection";
import { ordersApi } from "../ordering/contract";
import { storesApi } from "../stores/contract";
import type { SearchStatus } from "./contract";
import {
  customersCache,
  insertCustomer,
  insertProduct,
  insertStore,
  orderStatements,
  ordersMirror,
  productsCache,
  renameStore,
  storesCache,
  updateOrderStatus,
  updateProduct,
  withNames,
} from "./readmodel";

/** Keeps SEARCH_DB from the Customers, Stores and Ordering integration events (SPEC §3.8). */

const customerRow = rowProjector(customersCache);
const storeRow = rowProjector(storesCache);
const productRow = rowProjector(productsCache);
const orderRow = rowProjector(ordersMirror);

const statusEvent = <N extends keyof typeof ordersApi>(name: N, status: SearchStatus) =>
  orderRow.on(ordersApi[name], (db, id, v, m) => updateOrderStatus(db, id, v, status, m.occurredAt));

export const searchHandlers: ContextHandlers<Env> = {
  "customersapi.CustomerRegistered": customerRow.on(customersApi["customersapi.CustomerRegistered"], (db, id, v, m) =>
    insertCustomer(db, id, m.payload.name, v),
  ),

  "storesapi.StoreCreated": storeRow.on(storesApi["storesapi.StoreCreated"], (db, id, v, m) => insertStore(db, id, m.payload.name, v)),
  "storesapi.StoreRebranded": storeRow.on(storesApi["storesapi.StoreRebranded"], (db, id, v, m) => renameStore(db, id, m.payload.name, v)),
  "storesapi.ProductAdded": productRow.on(storesApi["storesapi.ProductAdded"], (db, id, v, m) => insertProduct(db, id, m.payload, v)),
  "storesapi.ProductRebranded": productRow.on(storesApi["storesapi.ProductRebranded"], (db, id, v, m) =>
    updateProduct(db, id, v, { name: m.payload.name }),
  ),
  "storesapi.ProductRemoved": productRow.on(storesApi["storesapi.ProductRemoved"], (db, id, v) => updateProduct(db, id, v, { removed: true })),

  // The row needs names from the caches (or the owners) first: one query, made even when the projection
  // rule then finds the event stale or already handled (a redelivery), which is rare.
  "ordersapi.OrderCreated": on(ordersApi["ordersapi.OrderCreated"], async (env, m, handler) => {
    const db = env.SEARCH_DB;
    const id = m.metadata.aggregateId ?? m.payload.id;
    const order = await withNames(
      env,
      { orderId: id, customerId: m.payload.customerId, items: m.payload.items, status: "New", createdAt: m.occurredAt, updatedAt: m.occurredAt },
      causeOf(m),
    );
    const outcome = await project({
      db,
      message: m,
      handler,
      stream: ordersMirror.stream.name,
      table: ordersMirror.table,
      key: ordersMirror.key,
      apply: (_, v) => orderStatements(db, order, v, "insert"),
      refetch: (rowId) => refetchRow(env, ordersMirror, rowId, m),
    });
    return outcome === "duplicate" ? "duplicate" : undefined;
  }),
  "ordersapi.OrderApproved": statusEvent("ordersapi.OrderApproved", "Approved"),
  "ordersapi.OrderRejected": statusEvent("ordersapi.OrderRejected", "Rejected"),
  "ordersapi.OrderReadied": statusEvent("ordersapi.OrderReadied", "Ready For Pickup"),
  "ordersapi.OrderCanceled": statusEvent("ordersapi.OrderCanceled", "Canceled"),
  "ordersapi.OrderCompleted": statusEvent("ordersapi.OrderCompleted", "Completed"),
};
