import { z } from "zod";
import type { Env } from "../env";
import { routeFor } from "../kernel/api";
import { invalid, invalidRequest } from "../kernel/errors";
import { pageLimit, queryInt, queryText } from "../kernel/paging";
import { notificationPageSchema } from "./contract";
import { listNotifications } from "./readmodel";

const tag = "notifications";
const route = routeFor<Env>();

/** Ids in a query: at most 128 code points after trimming, no control characters (SPEC §2.8). */
const maxIdLength = 128;
// eslint-disable-next-line no-control-regex
const controlCharacters = /[\u0000-\u001f\u007f]/;

export const notificationsRoutes = [
  route({
    method: "get",
    path: "/api/notifications",
    operationId: "listNotifications",
    tag,
    summary: "A customer's notifications, newest first (read model)",
    query: z.object({ customerId: queryText(), limit: queryInt(), next: queryText() }),
    response: notificationPageSchema,
    handle: async (c, { query }) => {
      const customerId = query.customerId.trim();
      if ([...customerId].length > maxIdLength || controlCharacters.test(query.customerId)) throw invalidRequest("customerId");
      if (customerId === "") throw invalid("the customer id cannot be blank");
      return listNotifications(c.env.NOTIFICATIONS_DB, customerId, pageLimit(query.limit, 50), query.next);
    },
  }),
];
