import { z } from "zod";
import type { Env } from "../env";
import { commandRouteFor, routeFor } from "../kernel/api";
import { DomainError, invalidRequest, unwrap } from "../kernel/errors";
import { body, empty, id, list, maxLength, quantity, text } from "../kernel/fields";
import { causeOf } from "../kernel/http";
import { aggregate } from "../kernel/objects";
import { pageLimit, queryInt, queryText } from "../kernel/paging";
import { longIdsUnknown, tooLongForAnId } from "../kernel/path-ids";
import { shoppingListSchema as listSchema } from "./contract";
import { shoppingListNotFound, shoppingListView } from "./domain";
import { boardStatuses, listBoard, resolveStops } from "./readmodel";

const tag = "depot";
const route = routeFor<Env>();
const command = commandRouteFor<Env>();
const listCommand = longIdsUnknown(shoppingListNotFound, command((env) => env.SHOPPING_LIST));

export const depotRoutes = [
  route({
    method: "post",
    path: "/api/depot/shopping",
    operationId: "createShoppingList",
    errors: [404], // a store or product of an item does not exist
    tag,
    summary: "Create a shopping list (stays pending: only the saga initiates lists)",
    body: body({ orderId: id(), items: list(body({ productId: id(), storeId: id(), quantity: quantity() })) }),
    response: z.object({ id: z.string() }),
    handle: async (c, { body: { orderId, items } }) => {
      const id = crypto.randomUUID();
      // lookups only run once the cheap checks pass, as they come after them in SPEC §3.5
      const stops = orderId.trim() === "" || items.length === 0 ? { ok: true as const, stops: [] } : await resolveStops(c.env, items, causeOf(c));
      unwrap(
        await aggregate(c.env.SHOPPING_LIST, id).execute({ type: "CreateShoppingList", orderId, itemCount: items.length, stops }, causeOf(c)),
      );
      return { id };
    },
  }),
  route({
    method: "get",
    path: "/api/depot/shopping",
    operationId: "listShoppingLists",
    tag,
    summary: "Shopping lists with a status (default available), oldest first (read model)",
    query: z.object({ status: queryText(), limit: queryInt(), next: queryText() }),
    response: z.object({ shoppingLists: z.array(listSchema), next: z.string() }),
    handle: async (c, { query }) => {
      const status = query.status === "" ? "available" : query.status;
      if (!(boardStatuses as readonly string[]).includes(status)) throw invalidRequest("status");
      return listBoard(c.env.DEPOT_DB, status, pageLimit(query.limit, 50), query.next);
    },
  }),
  route({
    method: "get",
    path: "/api/depot/shopping/{id}",
    operationId: "getShoppingList",
    tag,
    summary: "Get a shopping list (strongly consistent)",
    response: z.object({ shoppingList: listSchema }),
    handle: async (c, { params }) => {
      const snapshot = tooLongForAnId(params.id) ? undefined : unwrap(await aggregate(c.env.SHOPPING_LIST, params.id).snapshot());
      if (!snapshot?.exists) throw DomainError.from(shoppingListNotFound);
      return { shoppingList: shoppingListView(snapshot.state, snapshot.createdAt, snapshot.updatedAt) };
    },
  }),
  listCommand({
    method: "post",
    path: "/api/depot/shopping/{id}",
    operationId: "cancelShoppingList",
    tag,
    summary: "Cancel a shopping list",
    body: empty(),
    command: () => ({ type: "CancelShoppingList" }),
  }),
  listCommand({
    method: "put",
    path: "/api/depot/shopping/{id}/assign",
    operationId: "assignShoppingList",
    tag,
    summary: "Assign an available list to a bot",
    body: body({ botId: text(maxLength.botId) }),
    command: ({ botId }) => ({ type: "AssignShoppingList", botId }),
  }),
  listCommand({
    method: "put",
    path: "/api/depot/shopping/{id}/complete",
    operationId: "completeShoppingList",
    tag,
    summary: "Complete an assigned list; the order becomes ready",
    body: empty(),
    command: () => ({ type: "CompleteShoppingList" }),
  }),
];
