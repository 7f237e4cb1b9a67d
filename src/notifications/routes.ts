import { z } from "zod";
import type { Env } from "../env";
import { routeFor } from "../kernel/api";
import { invalid } from "../kernel/errors";
import { id } from "../kernel/fields";
import { pageLimit, queryInt, queryText } from "../kernel/paging";
import { notificationPageSchema } from "./contract";
import { listNotifications } from "./readmodel";

const tag = "notifications";
const route = routeFor<Env>();

export const notificationsRoutes = [
  route({
    method: "get",
    path: "/api/notifications",
    operationId: "listNotifications",
    tag,
    summary: "A customer's notifications, newest first (read model)",
    query: z.object({ customerId: id(), limit: queryInt(), next: queryText() }),
    response: notificationPageSchema,
    handle: async (c, { query }) => {
      const customerId = query.customerId.trim();
      if (customerId === "") throw invalid("the customer id cannot be blank");
      return listNotifications(c.env.NOTIFICATIONS_DB, customerId, pageLimit(query.limit, 50), query.next);
    },
  }),
];
