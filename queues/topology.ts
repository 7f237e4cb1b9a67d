/** Static routing (SPEC §5.6): which contexts' queues receive each message name. */
export const contexts = [
  "stores",
  "baskets",
  "customers",
  "ordering",
  "depot",
  "payments",
  "notifications",
  "search",
  "cosec",
] as const;
export type Context = (typeof contexts)[number];

const storeDomainEvents = [
  "StoreCreated",
  "StoreParticipationEnabled",
  "StoreParticipationDisabled",
  "StoreRebranded",
  "ProductAdded",
  "ProductRebranded",
  "ProductPriceIncreased",
  "ProductPriceDecreased",
  "ProductRemoved",
].map((n) => `stores.${n}`);

const depotDomainEvents = [
  "ShoppingListCreated",
  "ShoppingListInitiated",
  "ShoppingListAssigned",
  "ShoppingListCompleted",
  "ShoppingListCanceled",
].map((n) => `depot.${n}`);

const subscribers: Record<string, readonly Context[]> = {
  ...Object.fromEntries(storeDomainEvents.map((n) => [n, ["stores"] as const])),
  ...Object.fromEntries(depotDomainEvents.map((n) => [n, ["depot"] as const])),
  "storesapi.StoreCreated": ["baskets", "depot", "search"],
  "storesapi.StoreRebranded": ["baskets", "depot", "search"],
  "storesapi.ProductAdded": ["baskets", "depot", "search"],
  "storesapi.ProductRebranded": ["baskets", "depot", "search"],
  "storesapi.ProductPriceIncreased": ["baskets"],
  "storesapi.ProductPriceDecreased": ["baskets"],
  "storesapi.ProductRemoved": ["baskets", "depot", "search"],
  "basketsapi.BasketCheckedOut": ["ordering"],
  "customersapi.CustomerRegistered": ["notifications", "search"],
  "customersapi.CustomerSmsChanged": ["notifications"],
  "ordersapi.OrderCreated": ["cosec", "notifications", "search"],
  "ordersapi.OrderApproved": ["search"],
  "ordersapi.OrderRejected": ["search"],
  "ordersapi.OrderReadied": ["payments", "notifications", "search"],
  "ordersapi.OrderCanceled": ["payments", "notifications", "search"],
  "ordersapi.OrderCompleted": ["notifications", "search"],
  "depotapi.ShoppingListCompleted": ["ordering"],
  "paymentsapi.InvoicePaid": ["ordering"],
  // commands go to the owning context
  "customersapi.AuthorizeCustomer": ["customers"],
  "depotapi.CreateShoppingListCommand": ["depot"],
  "depotapi.CancelShoppingListCommand": ["depot"],
  "depotapi.InitiateShoppingCommand": ["depot"],
  "paymentsapi.ConfirmPayment": ["payments"],
  "ordersapi.ApproveOrder": ["ordering"],
  "ordersapi.RejectOrder": ["ordering"],
};

/** Replies go to the queue mapped from the command's COMMAND_REPLY_CHANNEL. */
const replyChannels: Record<string, Context> = {
  "mallbots.cosec.replies.CreateOrder": "cosec",
};

/** Every message name the topology routes. */
export const routedMessageNames = (): string[] => Object.keys(subscribers);

/** Queues that receive a message of this name; empty when nobody subscribes. */
export function destinationsOf(name: string): readonly Context[] {
  return subscribers[name] ?? [];
}

export function replyDestinations(channel: string | undefined): readonly Context[] {
  const context = channel === undefined ? undefined : replyChannels[channel];
  return context ? [context] : [];
}

export const queueName = (context: Context): string => `mallbots-${context}`;

/** Producer binding of a context's inbound queue, e.g. `Q_STORES`. */
export const queueBinding = (context: Context) => `Q_${context.toUpperCase()}` as QueueBinding;
export type QueueBinding = `Q_${Uppercase<Context>}`;

/** Parses `mallbots-<context>` or `mallbots-<context>-dlq`. */
export function parseQueueName(queue: string): { context: Context; deadLetter: boolean } | null {
  const match = /^mallbots-([a-z]+)(-dlq)?$/.exec(queue);
  if (!match) return null;
  const context = contexts.find((c) => c === match[1]);
  return context ? { context, deadLetter: match[2] !== undefined } : null;
}
