import { z } from "zod";

/** The kinds of SMS of SPEC §3.7, one per order event. */
export const notificationKinds = ["order_created", "order_ready", "order_canceled", "order_completed"] as const;
export type NotificationKind = (typeof notificationKinds)[number];

/** recorded: no webhook configured; pending: to be (re)tried; sent: a 2xx answer; failed: 5 attempts failed. */
export const deliveryStates = ["recorded", "pending", "sent", "failed"] as const;
export type Delivery = (typeof deliveryStates)[number];

/** A notification as `GET /api/notifications` shows it (SPEC §3.7); `sentAt` is "" until sent. */
export const notificationSchema = z.object({
  id: z.string(),
  customerId: z.string(),
  orderId: z.string(),
  kind: z.enum(notificationKinds),
  smsNumber: z.string(),
  message: z.string(),
  delivery: z.enum(deliveryStates),
  attempts: z.number().int(),
  createdAt: z.string(),
  sentAt: z.string(),
});
export type NotificationView = z.infer<typeof notificationSchema>;

export const notificationPageSchema = z.object({ notifications: z.array(notificationSchema), next: z.string() });
