import { describe, expect, it } from "vitest";
import { fold } from "../../src/kernel/decider";
import { Code } from "../../src/kernel/errors";
import { paymentsApi } from "../../src/payments/contract";
import {
  type Invoice,
  type InvoiceCommand,
  type InvoiceEvent,
  invoiceDecider,
  invoiceNotFound,
  invoiceType,
  invoiceView,
  type Payment,
  type PaymentCommand,
  type PaymentEvent,
  paymentDecider,
  paymentNotConfirmable,
  paymentType,
} from "../../src/payments/domain";
import { given } from "./given-when-then";

const PAYMENT_ID = "3c4d5e6f-1111-4aaa-8bbb-0000000000b1";
const CUSTOMER_ID = "3c4d5e6f-2222-4aaa-8bbb-0000000000b2";
const ORDER_ID = "3c4d5e6f-3333-4aaa-8bbb-0000000000b3";
const INVOICE_ID = ORDER_ID; // an invoice has its order's ID (SPEC §2.1)

const CUSTOMER_BLANK = "the customer id cannot be blank";
const NEGATIVE_PAYMENT = "the payment amount cannot be negative";
const CANNOT_CONFIRM = "payment cannot be confirmed";
const INVOICE_NOT_FOUND = "invoice with that ID does not exist";
const NEGATIVE_INVOICE = "the invoice amount cannot be negative";
const CANNOT_ADJUST = "invoice cannot be adjusted";
const CANNOT_PAY = "invoice cannot be paid for";

const BLANKS = ["", " ", "\t", "\n \t"];

// ---- Payment -----------------------------------------------------------------------------------

const authorized = (amount = 42.26): PaymentEvent => ({
  name: "payments.PaymentAuthorized",
  payload: { customerId: CUSTOMER_ID, amount },
});
const confirmed = (amount: number): PaymentEvent => ({ name: "payments.PaymentConfirmed", payload: { amount } });

const payment = (...events: PaymentEvent[]) =>
  given<PaymentCommand, PaymentEvent, Payment>(paymentDecider, PAYMENT_ID, events);

describe("Payment decider", () => {
  describe("AuthorizePayment", () => {
    it("records PaymentAuthorized {customerId, amount} → authorized", () => {
      const { state } = payment()
        .when({ type: "AuthorizePayment", customerId: CUSTOMER_ID, amount: 42.26 })
        .then([{ name: "payments.PaymentAuthorized", payload: { customerId: CUSTOMER_ID, amount: 42.26 } }]);
      expect(state).toEqual({ id: PAYMENT_ID, customerId: CUSTOMER_ID, amount: 42.26, status: "authorized", version: 1 });
    });

    it("allows an amount of 0", () => {
      payment().when({ type: "AuthorizePayment", customerId: CUSTOMER_ID, amount: 0 }).then([authorized(0)]);
    });

    it.each(BLANKS)("rejects a blank customer id %j", (customerId) => {
      payment()
        .when({ type: "AuthorizePayment", customerId, amount: 10 })
        .thenFails(Code.InvalidArgument, CUSTOMER_BLANK);
    });

    it.each([-0.01, -1, -1000])("rejects a negative amount %d", (amount) => {
      payment()
        .when({ type: "AuthorizePayment", customerId: CUSTOMER_ID, amount })
        .thenFails(Code.InvalidArgument, NEGATIVE_PAYMENT);
    });

    it("checks the customer id before the amount", () => {
      payment()
        .when({ type: "AuthorizePayment", customerId: "", amount: -1 })
        .thenFails(Code.InvalidArgument, CUSTOMER_BLANK);
    });
  });

  describe("ConfirmPayment", () => {
    it("records PaymentConfirmed {amount} → confirmed", () => {
      const { state } = payment(authorized(42.26))
        .when({ type: "ConfirmPayment", amount: 42.26 })
        .then([{ name: "payments.PaymentConfirmed", payload: { amount: 42.26 } }]);
      expect(state).toEqual({ id: PAYMENT_ID, customerId: CUSTOMER_ID, amount: 42.26, status: "confirmed", version: 2 });
    });

    it("records the amount without comparing it to the authorized one", () => {
      const { state } = payment(authorized(10))
        .when({ type: "ConfirmPayment", amount: 99.99 })
        .then([confirmed(99.99)]);
      expect(state.amount).toBe(99.99);
      payment(authorized(10)).when({ type: "ConfirmPayment", amount: 0 }).then([confirmed(0)]);
    });

    it("fails with 5 for an unknown payment", () => {
      payment().when({ type: "ConfirmPayment", amount: 1 }).thenFails(Code.NotFound, CANNOT_CONFIRM);
    });

    it("fails with 9 for an already confirmed payment", () => {
      payment(authorized(), confirmed(42.26))
        .when({ type: "ConfirmPayment", amount: 42.26 })
        .thenFails(Code.FailedPrecondition, CANNOT_CONFIRM);
    });
  });

  it("paymentType names the stream and the snapshot, and publishes nothing", () => {
    expect(paymentType.name).toBe("payments.Payment");
    expect(paymentType.snapshotName).toBe("payments.PaymentV1");
    expect(paymentType.decider).toBe(paymentDecider);
    expect(paymentNotConfirmable).toEqual({ code: 5, message: CANNOT_CONFIRM });
    const state = fold(paymentDecider, PAYMENT_ID, [authorized(), confirmed(1)]);
    expect(paymentType.publish(authorized(), state)).toEqual([]);
    expect(paymentType.publish(confirmed(1), state)).toEqual([]);
  });
});

// ---- Invoice -----------------------------------------------------------------------------------

const invoiceCreated = (amount = 42.26): InvoiceEvent => ({
  name: "payments.InvoiceCreated",
  payload: { orderId: ORDER_ID, paymentId: PAYMENT_ID, amount },
});
const adjusted = (amount: number): InvoiceEvent => ({ name: "payments.InvoiceAdjusted", payload: { amount } });
const paid: InvoiceEvent = { name: "payments.InvoicePaid", payload: {} };
const invoiceCanceled: InvoiceEvent = { name: "payments.InvoiceCanceled", payload: {} };

const invoice = (...events: InvoiceEvent[]) =>
  given<InvoiceCommand, InvoiceEvent, Invoice>(invoiceDecider, INVOICE_ID, events);

const INVOICE_STATUS: Record<"pending" | "paid" | "canceled", InvoiceEvent[]> = {
  pending: [invoiceCreated()],
  paid: [invoiceCreated(), paid],
  canceled: [invoiceCreated(), invoiceCanceled],
};

const createInvoice = (amount = 42.26): InvoiceCommand => ({
  type: "CreateInvoice",
  orderId: ORDER_ID,
  paymentId: PAYMENT_ID,
  amount,
});

describe("Invoice decider", () => {
  describe("CreateInvoice (ordersapi.OrderReadied)", () => {
    it("records InvoiceCreated {orderId, paymentId, amount} → pending", () => {
      const { state } = invoice()
        .when(createInvoice(42.26))
        .then([{ name: "payments.InvoiceCreated", payload: { orderId: ORDER_ID, paymentId: PAYMENT_ID, amount: 42.26 } }]);
      expect(state).toEqual({
        id: INVOICE_ID,
        orderId: ORDER_ID,
        paymentId: PAYMENT_ID,
        amount: 42.26,
        status: "pending",
        version: 1,
      });
    });

    it.each(Object.keys(INVOICE_STATUS) as (keyof typeof INVOICE_STATUS)[])(
      "is a no-op when the invoice already exists (%s)",
      (status) => {
        invoice(...INVOICE_STATUS[status]).when(createInvoice(1)).then([]);
      },
    );
  });

  describe("AdjustInvoice", () => {
    it("records InvoiceAdjusted {amount} and keeps the status", () => {
      const { state } = invoice(invoiceCreated(42.26))
        .when({ type: "AdjustInvoice", amount: 40 })
        .then([{ name: "payments.InvoiceAdjusted", payload: { amount: 40 } }]);
      expect(state).toMatchObject({ amount: 40, status: "pending", version: 2 });
    });

    it("allows an amount of 0", () => {
      invoice(invoiceCreated()).when({ type: "AdjustInvoice", amount: 0 }).then([adjusted(0)]);
    });

    it("fails with 5 for a missing invoice", () => {
      invoice().when({ type: "AdjustInvoice", amount: 1 }).thenFails(Code.NotFound, INVOICE_NOT_FOUND);
    });

    it("fails with 3 for a negative amount", () => {
      invoice(invoiceCreated())
        .when({ type: "AdjustInvoice", amount: -0.01 })
        .thenFails(Code.InvalidArgument, NEGATIVE_INVOICE);
    });

    it.each(["paid", "canceled"] as const)("fails with 9 on a %s invoice", (status) => {
      invoice(...INVOICE_STATUS[status])
        .when({ type: "AdjustInvoice", amount: 1 })
        .thenFails(Code.FailedPrecondition, CANNOT_ADJUST);
    });

    it("checks in the documented order: exists, amount, status", () => {
      invoice().when({ type: "AdjustInvoice", amount: -1 }).thenFails(Code.NotFound, INVOICE_NOT_FOUND);
      invoice(...INVOICE_STATUS.paid)
        .when({ type: "AdjustInvoice", amount: -1 })
        .thenFails(Code.InvalidArgument, NEGATIVE_INVOICE);
      invoice(...INVOICE_STATUS.canceled)
        .when({ type: "AdjustInvoice", amount: -1 })
        .thenFails(Code.InvalidArgument, NEGATIVE_INVOICE);
    });
  });

  describe("PayInvoice", () => {
    it("records InvoicePaid {} → paid", () => {
      const { state } = invoice(invoiceCreated(), adjusted(30))
        .when({ type: "PayInvoice" })
        .then([{ name: "payments.InvoicePaid", payload: {} }]);
      expect(state).toMatchObject({ status: "paid", amount: 30, version: 3 });
    });

    it("fails with 5 for a missing invoice", () => {
      invoice().when({ type: "PayInvoice" }).thenFails(Code.NotFound, INVOICE_NOT_FOUND);
    });

    it.each(["paid", "canceled"] as const)("fails with 3 on a %s invoice", (status) => {
      invoice(...INVOICE_STATUS[status]).when({ type: "PayInvoice" }).thenFails(Code.InvalidArgument, CANNOT_PAY);
    });
  });

  describe("CancelInvoice (ordersapi.OrderCanceled)", () => {
    it("records InvoiceCanceled {} on a pending invoice → canceled", () => {
      const { state } = invoice(invoiceCreated())
        .when({ type: "CancelInvoice" })
        .then([{ name: "payments.InvoiceCanceled", payload: {} }]);
      expect(state).toMatchObject({ status: "canceled", version: 2 });
    });

    it("is a no-op when there is no invoice", () => {
      invoice().when({ type: "CancelInvoice" }).then([]);
    });

    it.each(["paid", "canceled"] as const)("is a no-op on a %s invoice", (status) => {
      invoice(...INVOICE_STATUS[status]).when({ type: "CancelInvoice" }).then([]);
    });
  });
});

describe("Invoice evolve and view", () => {
  it("starts empty at version 0", () => {
    expect(invoiceDecider.initialState(INVOICE_ID)).toEqual({
      id: INVOICE_ID,
      orderId: "",
      paymentId: "",
      amount: 0,
      status: "",
      version: 0,
    });
  });

  it("invoiceView exposes exactly {id, orderId, paymentId, amount, status}", () => {
    const state = fold(invoiceDecider, INVOICE_ID, [invoiceCreated(42.26), adjusted(41.5), paid]);
    expect(invoiceView(state)).toStrictEqual({
      id: INVOICE_ID,
      orderId: ORDER_ID,
      paymentId: PAYMENT_ID,
      amount: 41.5,
      status: "paid",
    });
  });
});

describe("invoiceType", () => {
  it("names the stream, the snapshot and the 404", () => {
    expect(invoiceType.name).toBe("payments.Invoice");
    expect(invoiceType.snapshotName).toBe("payments.InvoiceV1");
    expect(invoiceType.decider).toBe(invoiceDecider);
    expect(invoiceType.notFound).toEqual({ code: 5, message: INVOICE_NOT_FOUND });
    expect(invoiceNotFound).toEqual({ code: 5, message: INVOICE_NOT_FOUND });
  });

  it("publishes paymentsapi.InvoicePaid {id, orderId} only when the invoice is paid", () => {
    const history = [invoiceCreated(), adjusted(40), paid];
    let state = invoiceDecider.initialState(INVOICE_ID);
    const published: unknown[] = [];
    for (const event of history) {
      state = { ...invoiceDecider.evolve(state, event), version: state.version + 1 };
      published.push(...invoiceType.publish(event, state));
    }
    expect(published).toStrictEqual([{ name: "paymentsapi.InvoicePaid", payload: { id: INVOICE_ID, orderId: ORDER_ID } }]);
    expect(paymentsApi["paymentsapi.InvoicePaid"].safeParse((published[0] as { payload: unknown }).payload).success).toBe(
      true,
    );
    const canceledState = fold(invoiceDecider, INVOICE_ID, INVOICE_STATUS.canceled);
    expect(invoiceType.publish(invoiceCanceled, canceledState)).toEqual([]);
  });

  it("uses the invoice's own id and orderId (they may differ in a snapshot-built state)", () => {
    const { state } = given<InvoiceCommand, InvoiceEvent, Invoice>(invoiceDecider, "inv-1", [invoiceCreated()])
      .when({ type: "PayInvoice" })
      .then([paid]);
    expect(invoiceType.publish(paid, state)).toStrictEqual([
      { name: "paymentsapi.InvoicePaid", payload: { id: "inv-1", orderId: ORDER_ID } },
    ]);
  });
});
