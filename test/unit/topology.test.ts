import { describe, expect, it } from "vitest";
import { buildTopology, contexts, parseQueueName, queueBinding, queueName, topology } from "../../queues/topology";
import { modules } from "../../src/modules";

/**
 * Routing of SPEC §5.6, derived from the modules, and the queue names of §1.4 / §5.2. The expected
 * subscribers are SPEC's, restricted to the contexts built so far (a context's module adds its own).
 */

const sorted = (xs: readonly string[]) => [...xs].sort();
const built = (xs: readonly string[]) => xs.filter((c) => contexts.includes(c));
const { destinationsOf, replyDestinations } = topology;

describe("contexts and queue names", () => {
  it("lists the built contexts, each a subset of SPEC's nine", () => {
    const spec = ["stores", "baskets", "customers", "ordering", "depot", "payments", "notifications", "search", "cosec"];
    expect(sorted(contexts)).toEqual(sorted(built(spec)));
    expect(sorted(contexts)).toEqual(sorted(["stores", "baskets", "customers", "ordering", "depot", "payments", "notifications", "search", "cosec"]));
  });

  it("names each inbound queue mallbots-<context> and its producer binding Q_<CONTEXT>", () => {
    expect(queueName("stores")).toBe("mallbots-stores");
    expect(queueName("cosec")).toBe("mallbots-cosec");
    expect(queueBinding("notifications")).toBe("Q_NOTIFICATIONS");
  });
});

describe("parseQueueName", () => {
  it.each(contexts.map((c) => [c]))("parses mallbots-%s and its dead-letter queue", (context) => {
    expect(parseQueueName(`mallbots-${context}`)).toEqual({ context, deadLetter: false });
    expect(parseQueueName(`mallbots-${context}-dlq`)).toEqual({ context, deadLetter: true });
  });

  it.each([
    "mallbots-unknown",
    "mallbots-unknown-dlq",
    "mallbots-",
    "mallbots",
    "stores",
    "mallbots-Stores",
    "MALLBOTS-stores",
    "mallbots-stores-dlq-dlq",
    "mallbots-stores-DLQ",
    "xmallbots-stores",
    "mallbots-stores ",
    "mallbots-stores-retry",
    "",
  ])("rejects %j", (queue) => {
    expect(parseQueueName(queue)).toBeNull();
  });
});

describe("destinationsOf", () => {
  it.each([
    "stores.StoreCreated",
    "stores.StoreParticipationEnabled",
    "stores.StoreParticipationDisabled",
    "stores.StoreRebranded",
    "stores.ProductAdded",
    "stores.ProductRebranded",
    "stores.ProductPriceIncreased",
    "stores.ProductPriceDecreased",
    "stores.ProductRemoved",
  ])("routes the domain event %s to stores only", (name) => {
    expect(destinationsOf(name)).toEqual(["stores"]);
  });

  it.each([
    "depot.ShoppingListCreated",
    "depot.ShoppingListInitiated",
    "depot.ShoppingListAssigned",
    "depot.ShoppingListCompleted",
    "depot.ShoppingListCanceled",
  ])("routes the domain event %s to depot only", (name) => {
    expect(destinationsOf(name)).toEqual(["depot"]);
  });

  it.each<[string, string[]]>([
    ["storesapi.StoreCreated", ["baskets", "depot", "search"]],
    ["storesapi.StoreRebranded", ["baskets", "depot", "search"]],
    ["storesapi.ProductAdded", ["baskets", "depot", "search"]],
    ["storesapi.ProductRebranded", ["baskets", "depot", "search"]],
    ["storesapi.ProductPriceIncreased", ["baskets"]],
    ["storesapi.ProductPriceDecreased", ["baskets"]],
    ["storesapi.ProductRemoved", ["baskets", "depot", "search"]],
    ["basketsapi.BasketCheckedOut", ["ordering"]],
    ["customersapi.CustomerRegistered", ["notifications", "search"]],
    ["customersapi.CustomerSmsChanged", ["notifications"]],
    ["ordersapi.OrderCreated", ["cosec", "notifications", "search"]],
    ["ordersapi.OrderApproved", ["search"]],
    ["ordersapi.OrderRejected", ["search"]],
    ["ordersapi.OrderReadied", ["payments", "notifications", "search"]],
    ["ordersapi.OrderCanceled", ["payments", "notifications", "search"]],
    ["ordersapi.OrderCompleted", ["notifications", "search"]],
    ["depotapi.ShoppingListCompleted", ["ordering"]],
    ["paymentsapi.InvoicePaid", ["ordering"]],
  ])("routes the integration event %s to SPEC's %j (the built ones)", (name, expected) => {
    expect(sorted(destinationsOf(name))).toEqual(sorted(built(expected)));
  });

  it.each<[string, string]>([
    ["customersapi.AuthorizeCustomer", "customers"],
    ["depotapi.CreateShoppingListCommand", "depot"],
    ["depotapi.CancelShoppingListCommand", "depot"],
    ["depotapi.InitiateShoppingCommand", "depot"],
    ["paymentsapi.ConfirmPayment", "payments"],
    ["ordersapi.ApproveOrder", "ordering"],
    ["ordersapi.RejectOrder", "ordering"],
  ])("routes the command %s to its owning context %s", (name, owner) => {
    expect(destinationsOf(name)).toEqual([owner]);
  });

  it.each([
    "storesapi.StoreParticipatingToggled",
    "basketsapi.BasketStarted",
    "basketsapi.BasketCanceled",
    "customersapi.CustomerEnabled",
    "customersapi.CustomerDisabled",
    // replies are routed by their reply channel, not by name
    "am.Success",
    "am.Failure",
    "depotapi.CreatedShoppingListReply",
    // unknown or mis-cased names
    "stores.Unknown",
    "storesapi.storecreated",
    "",
  ])("has no subscriber for %j", (name) => {
    expect(destinationsOf(name)).toEqual([]);
  });

  it("routes every message a context handles to that context's queue, and every routed message to a handler", () => {
    for (const m of modules) {
      const replies = new Set((m.sagas ?? []).flatMap((s) => Object.keys(s.replies)));
      for (const name of Object.keys(m.handlers).filter((n) => !replies.has(n))) {
        expect(destinationsOf(name), `${m.name} handles ${name}`).toContain(m.name);
      }
    }
    for (const saga of modules.flatMap((m) => (m.sagas ?? []).map((s) => ({ ...s, module: m })))) {
      for (const name of Object.keys(saga.replies)) expect(saga.module.handlers[name], `${saga.module.name} handles ${name}`).toBeDefined();
      expect(replyDestinations(saga.definition.replyChannel)).toEqual([saga.module.name]);
    }
    for (const name of topology.routedMessageNames()) {
      for (const context of destinationsOf(name)) {
        expect(modules.find((m) => m.name === context)?.handlers[name], `${context} receives ${name}`).toBeDefined();
      }
    }
  });

  it("subscribes a context exactly to the names its handlers list", () => {
    const t = buildTopology([
      { name: "a", aggregates: [], routes: [], contracts: [], handlers: { "x.One": {} as never, "x.Two": {} as never } },
      { name: "b", aggregates: [], routes: [], contracts: [], handlers: { "x.Two": {} as never } },
    ]);
    expect(t.destinationsOf("x.One")).toEqual(["a"]);
    expect(t.destinationsOf("x.Two")).toEqual(["a", "b"]);
    expect(t.destinationsOf("x.Three")).toEqual([]);
    expect(sorted(t.routedMessageNames())).toEqual(["x.One", "x.Two"]);
  });

  it("only ever names known contexts, without duplicates", () => {
    const names = [
      "storesapi.StoreCreated",
      "ordersapi.OrderCreated",
      "ordersapi.OrderReadied",
      "ordersapi.OrderCanceled",
      "customersapi.CustomerRegistered",
    ];
    for (const name of names) {
      const ds = destinationsOf(name);
      expect(new Set(ds).size).toBe(ds.length);
      for (const d of ds) expect(contexts).toContain(d);
    }
  });
});

describe("replyDestinations", () => {
  it("maps the saga reply channel to cosec", () => {
    expect(replyDestinations("mallbots.cosec.replies.CreateOrder")).toEqual(["cosec"]);
  });

  it.each([[undefined], [""], ["mallbots.cosec.replies.Other"], ["mallbots-cosec"], ["cosec"]])(
    "routes nowhere for the channel %j",
    (channel) => {
      expect(replyDestinations(channel)).toEqual([]);
    },
  );
});
