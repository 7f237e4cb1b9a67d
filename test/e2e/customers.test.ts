import { describe, expect, it } from "vitest";
import { expectError, expectOk, invalid, unknownId, uuidV4 } from "./expectations";
import { call, type Reply } from "./http";

/** The Customers context over real HTTP (SPEC §3.3, §2.4, errors of §8). */

const customerNotFound = (reply: Reply) => expectError(reply, 404, 5, "customer with that ID does not exist");
const getCustomer = (id: string) => call("GET", `/api/customers/${id}`);

/** Registers a customer and returns its id (asserting the exact `{id}` create reply). */
async function register(name = "Ann", smsNumber = "555-555-1212"): Promise<string> {
  const reply = await call("POST", "/api/customers", { name, smsNumber });
  expectOk(reply, { id: expect.stringMatching(uuidV4) });
  return reply.body.id;
}

describe("RegisterCustomer and GetCustomer", () => {
  it("registers an enabled customer with a fresh UUID and reads it back strongly consistently", async () => {
    const created = await call("POST", "/api/customers", { name: "Ann", smsNumber: "555-555-1212" });
    expectOk(created, { id: expect.stringMatching(uuidV4) });
    expect(created.headers.get("x-request-id") ?? "").not.toBe("");
    const id: string = created.body.id;

    expectOk(await getCustomer(id), { customer: { id, name: "Ann", smsNumber: "555-555-1212", enabled: true } });

    // Same name and number again is a different customer.
    const other = await register("Ann", "555-555-1212");
    expect(other).not.toBe(id);
    expectOk(await getCustomer(other), { customer: { id: other, name: "Ann", smsNumber: "555-555-1212", enabled: true } });
  });

  it("accepts the snake_case spelling sms_number and ignores unknown fields", async () => {
    const created = await call("POST", "/api/customers", { name: "Bo", sms_number: "555-0001", favouriteColour: "blue" });
    expectOk(created, { id: expect.stringMatching(uuidV4) });
    const id: string = created.body.id;
    expectOk(await getCustomer(id), { customer: { id, name: "Bo", smsNumber: "555-0001", enabled: true } });
  });

  it("rejects a blank name before a blank SMS number (missing and null fields are zero values)", async () => {
    const blankName = "the customer name cannot be blank";
    invalid(await call("POST", "/api/customers", { name: "", smsNumber: "" }), blankName);
    invalid(await call("POST", "/api/customers", { name: "", smsNumber: "555" }), blankName);
    invalid(await call("POST", "/api/customers", { name: "  \u3000", smsNumber: "555" }), blankName);
    invalid(await call("POST", "/api/customers", { name: "  \t", smsNumber: "555" }), "invalid request: name");
    invalid(await call("POST", "/api/customers", { smsNumber: "555" }), blankName);
    invalid(await call("POST", "/api/customers", { name: null, smsNumber: "555" }), blankName);
    invalid(await call("POST", "/api/customers", {}), blankName);
    // An empty body counts as {}.
    invalid(await call("POST", "/api/customers"), blankName);
    invalid(await call("POST", "/api/customers", ""), blankName);
  });

  it("rejects a blank SMS number", async () => {
    const blankSms = "the SMS number cannot be blank";
    invalid(await call("POST", "/api/customers", { name: "Cy", smsNumber: "" }), blankSms);
    invalid(await call("POST", "/api/customers", { name: "Cy", smsNumber: "   " }), blankSms);
    invalid(await call("POST", "/api/customers", { name: "Cy" }), blankSms);
    invalid(await call("POST", "/api/customers", { name: "Cy", smsNumber: null }), blankSms);
    invalid(await call("POST", "/api/customers", { name: "Cy", sms_number: "" }), blankSms);
  });

  it("answers 400 `invalid request: <field>` for a field of the wrong type", async () => {
    invalid(await call("POST", "/api/customers", { name: 5, smsNumber: "555" }), "invalid request: name");
    invalid(await call("POST", "/api/customers", { name: true, smsNumber: "555" }), "invalid request: name");
    invalid(await call("POST", "/api/customers", { name: ["Ann"], smsNumber: "555" }), "invalid request: name");
    invalid(await call("POST", "/api/customers", { name: { first: "Ann" }, smsNumber: "555" }), "invalid request: name");
    invalid(await call("POST", "/api/customers", { name: "Ann", smsNumber: 5551212 }), "invalid request: smsNumber");
    // A type error wins over a business-rule error (the blank name is never reached).
    invalid(await call("POST", "/api/customers", { name: "", smsNumber: 5 }), "invalid request: smsNumber");
    // The snake_case spelling of a wrong-typed field is named by either spelling.
    const snake = await call("POST", "/api/customers", { name: "Ann", sms_number: 5 });
    expect({ status: snake.status, body: snake.body }).toStrictEqual({
      status: 400,
      body: { code: 3, message: expect.stringMatching(/^invalid request: sms(Number|_number)$/), details: [] },
    });
  });

  it("answers 400 `invalid request: …` for malformed JSON or a body that is not an object", async () => {
    for (const raw of ['{"name":"Ann",', "{name: 'Ann'}", "not json", '{"name":"Ann","smsNumber":"5"}}', "[", "[]", '"Ann"', "42", "null"]) {
      const reply = await call("POST", "/api/customers", raw);
      expect({ raw, status: reply.status }).toStrictEqual({ raw, status: 400 });
      expect(reply.body, raw).toStrictEqual({ code: 3, message: expect.stringMatching(/^invalid request: .+/), details: [] });
    }
  });

  it("answers 404 for an unknown customer", async () => {
    customerNotFound(await getCustomer(unknownId()));
    customerNotFound(await getCustomer("unknown"));
  });
});

describe("ChangeSmsNumber", () => {
  it("changes the number; the same number again is a 200 `{}` no-op", async () => {
    const id = await register("Dee", "555-1000");
    expectOk(await call("PUT", `/api/customers/${id}/change-sms`, { smsNumber: "555-2000" }), {});
    expectOk(await getCustomer(id), { customer: { id, name: "Dee", smsNumber: "555-2000", enabled: true } });

    expectOk(await call("PUT", `/api/customers/${id}/change-sms`, { smsNumber: "555-2000" }), {});
    expectOk(await getCustomer(id), { customer: { id, name: "Dee", smsNumber: "555-2000", enabled: true } });

    // snake_case accepted; back to the first number.
    expectOk(await call("PUT", `/api/customers/${id}/change-sms`, { sms_number: "555-1000" }), {});
    expectOk(await getCustomer(id), { customer: { id, name: "Dee", smsNumber: "555-1000", enabled: true } });
  });

  it("rejects a blank number and changes nothing", async () => {
    const id = await register("Eve", "555-3000");
    const blankSms = "the SMS number cannot be blank";
    invalid(await call("PUT", `/api/customers/${id}/change-sms`, { smsNumber: "" }), blankSms);
    invalid(await call("PUT", `/api/customers/${id}/change-sms`, { smsNumber: "  " }), blankSms);
    invalid(await call("PUT", `/api/customers/${id}/change-sms`, { smsNumber: null }), blankSms);
    invalid(await call("PUT", `/api/customers/${id}/change-sms`, {}), blankSms);
    invalid(await call("PUT", `/api/customers/${id}/change-sms`), blankSms);
    invalid(await call("PUT", `/api/customers/${id}/change-sms`, { smsNumber: 5 }), "invalid request: smsNumber");
    expectOk(await getCustomer(id), { customer: { id, name: "Eve", smsNumber: "555-3000", enabled: true } });
  });

  it("checks existence first (unknown customer → 404 even with a blank number)", async () => {
    customerNotFound(await call("PUT", `/api/customers/${unknownId()}/change-sms`, { smsNumber: "555" }));
    customerNotFound(await call("PUT", `/api/customers/${unknownId()}/change-sms`, { smsNumber: "" }));
    customerNotFound(await call("PUT", `/api/customers/${unknownId()}/change-sms`, {}));
  });
});

describe("EnableCustomer and DisableCustomer", () => {
  it("toggles the enabled flag and rejects repeats with the exact texts", async () => {
    const id = await register("Fay", "555-4000");
    invalid(await call("PUT", `/api/customers/${id}/enable`, {}), "the customer is already enabled");

    expectOk(await call("PUT", `/api/customers/${id}/disable`, {}), {});
    expectOk(await getCustomer(id), { customer: { id, name: "Fay", smsNumber: "555-4000", enabled: false } });
    invalid(await call("PUT", `/api/customers/${id}/disable`, {}), "the customer is already disabled");
    invalid(await call("PUT", `/api/customers/${id}/disable`), "the customer is already disabled");

    expectOk(await call("PUT", `/api/customers/${id}/enable`), {});
    expectOk(await getCustomer(id), { customer: { id, name: "Fay", smsNumber: "555-4000", enabled: true } });
    invalid(await call("PUT", `/api/customers/${id}/enable`, {}), "the customer is already enabled");

    // A disabled customer can still change the SMS number.
    expectOk(await call("PUT", `/api/customers/${id}/disable`, {}), {});
    expectOk(await call("PUT", `/api/customers/${id}/change-sms`, { smsNumber: "555-4001" }), {});
    expectOk(await getCustomer(id), { customer: { id, name: "Fay", smsNumber: "555-4001", enabled: false } });
  });

  it("answers 404 for an unknown customer on every command", async () => {
    const id = unknownId();
    customerNotFound(await call("PUT", `/api/customers/${id}/enable`, {}));
    customerNotFound(await call("PUT", `/api/customers/${id}/disable`, {}));
    customerNotFound(await call("PUT", `/api/customers/${id}/change-sms`, { smsNumber: "555" }));
    // No command created the customer.
    customerNotFound(await getCustomer(id));
  });
});
