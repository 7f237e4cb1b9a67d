import { z } from "zod";
import type { Env } from "../env";
import { routeFor } from "../kernel/api";
import { notFound } from "../kernel/errors";
import { pageLimit } from "../kernel/paging";
import { searchOrderSchema, searchOrdersBody } from "./contract";
import { decodeSearchCursor, orderQuery } from "./query";
import { findOrder, searchOrders } from "./readmodel";

const tag = "search";
const route = routeFor<Env>();

export const searchRoutes = [
  route({
    method: "post",
    path: "/api/search/orders",
    operationId: "searchOrders",
    tag,
    summary: "Search orders, newest first (read model)",
    body: searchOrdersBody,
    response: z.object({ orders: z.array(searchOrderSchema), next: z.string() }),
    handle: async (c, { body }) => {
      const query = orderQuery(body.filters);
      const cursor = decodeSearchCursor(body.next);
      return searchOrders(c.env.SEARCH_DB, query, cursor, pageLimit(body.limit, 20));
    },
  }),
  route({
    method: "get",
    path: "/api/search/orders/{id}",
    operationId: "getSearchOrder",
    tag,
    summary: "An order as search shows it (read model)",
    response: z.object({ order: searchOrderSchema }),
    handle: async (c, { params }) => {
      const order = await findOrder(c.env.SEARCH_DB, params.id);
      if (!order) throw notFound("order with that ID does not exist");
      return { order };
    },
  }),
];
