import { describe, expect, it } from "vitest";
import { fold } from "../../src/kernel/decider";
import { Code } from "../../src/kernel/errors";
import { customersApi } from "../../src/customers/contract";
import {
  type Customer,
  type CustomerCommand,
  type CustomerEvent,
  customerDecider,
  customerNotFound,
  customerType,
  customerView,
} from "../../src/customers/domain";
import { given } from "./given-when-then";

const CUSTOMER_ID = "0b7e6a52-3333-4ccc-8ddd-000000000003";

const CUSTOMER_NOT_FOUND = "customer with that ID does not exist";
const NAME_BLANK = "the customer name cannot be blank";
const SMS_BLANK = "the SMS number cannot be blank";
const ALREADY_ENABLED = "the customer is already enabled";
const ALREADY_DISABLED = "the customer is already disabled";
const NOT_AUTHORIZED = "customer is not authorized";

// ---- fixtures ----------------------------------------------------------------------------------

const registered = (name = "Ada Lovelace", smsNumber = "555-0100"): CustomerEvent => ({
  name: "customers.CustomerRegistered",
  payload: { name, smsNumber },
});
const smsChanged = (smsNumber: string): CustomerEvent => ({ name: "customers.CustomerSmsChanged", payload: { smsNumber } });
const enabled: CustomerEvent = { name: "customers.CustomerEnabled", payload: {} };
const disabled: CustomerEvent = { name: "customers.CustomerDisabled", payload: {} };

const customer = (...events: CustomerEvent[]) =>
  given<CustomerCommand, CustomerEvent, Customer>(customerDecider, CUSTOMER_ID, events);

const register = (name = "Ada Lovelace", smsNumber = "555-0100"): CustomerCommand => ({
  type: "RegisterCustomer",
  name,
  smsNumber,
});

const BLANKS = ["", " ", "   ", "\t", "\n \t"];

// ---- decide ------------------------------------------------------------------------------------

describe("Customer decider", () => {
  describe("RegisterCustomer", () => {
    it("records CustomerRegistered with name and SMS number, and the customer is enabled", () => {
      const { state } = customer()
        .when(register("Ada Lovelace", "555-0100"))
        .then([{ name: "customers.CustomerRegistered", payload: { name: "Ada Lovelace", smsNumber: "555-0100" } }]);
      expect(state).toEqual({ id: CUSTOMER_ID, name: "Ada Lovelace", smsNumber: "555-0100", enabled: true, version: 1 });
    });

    it("keeps the name and number exactly as given (no trimming)", () => {
      const { state } = customer().when(register(" Ada ", " 555 ")).then([registered(" Ada ", " 555 ")]);
      expect(state).toMatchObject({ name: " Ada ", smsNumber: " 555 " });
    });

    it.each(BLANKS)("rejects a blank name %j", (name) => {
      customer().when(register(name, "555-0100")).thenFails(Code.InvalidArgument, NAME_BLANK);
    });

    it.each(BLANKS)("rejects a blank SMS number %j", (smsNumber) => {
      customer().when(register("Ada", smsNumber)).thenFails(Code.InvalidArgument, SMS_BLANK);
    });

    it("checks the name before the SMS number", () => {
      customer().when(register("", "")).thenFails(Code.InvalidArgument, NAME_BLANK);
      customer().when(register(" ", "\t")).thenFails(Code.InvalidArgument, NAME_BLANK);
    });

    it("does not re-register an existing customer (reserved: IDs are server-generated)", () => {
      // SPEC §2.6: a create command on an existing aggregate fails; Customers does not give a text.
      customer(registered()).when(register()).thenFails(Code.AlreadyExists, "the customer already exists");
    });
  });

  describe("ChangeSmsNumber", () => {
    it("records CustomerSmsChanged with the new number", () => {
      const { state } = customer(registered("Ada", "555-0100"))
        .when({ type: "ChangeSmsNumber", smsNumber: "555-0199" })
        .then([{ name: "customers.CustomerSmsChanged", payload: { smsNumber: "555-0199" } }]);
      expect(state).toEqual({ id: CUSTOMER_ID, name: "Ada", smsNumber: "555-0199", enabled: true, version: 2 });
    });

    it("succeeds with no event when the number is the same as now", () => {
      const { state } = customer(registered("Ada", "555-0100"))
        .when({ type: "ChangeSmsNumber", smsNumber: "555-0100" })
        .then([]);
      expect(state.version).toBe(1);
      expect(state.smsNumber).toBe("555-0100");
    });

    it("compares with the current number, not the registered one", () => {
      customer(registered("Ada", "555-0100"), smsChanged("555-0199"))
        .when({ type: "ChangeSmsNumber", smsNumber: "555-0199" })
        .then([]);
      customer(registered("Ada", "555-0100"), smsChanged("555-0199"))
        .when({ type: "ChangeSmsNumber", smsNumber: "555-0100" })
        .then([smsChanged("555-0100")]);
    });

    it("treats a differently spaced number as a different number", () => {
      customer(registered("Ada", "555-0100"))
        .when({ type: "ChangeSmsNumber", smsNumber: " 555-0100" })
        .then([smsChanged(" 555-0100")]);
    });

    it("works on a disabled customer", () => {
      customer(registered(), disabled).when({ type: "ChangeSmsNumber", smsNumber: "1" }).then([smsChanged("1")]);
    });

    it.each(BLANKS)("rejects a blank SMS number %j", (smsNumber) => {
      customer(registered()).when({ type: "ChangeSmsNumber", smsNumber }).thenFails(Code.InvalidArgument, SMS_BLANK);
    });

    it("answers 404 for a customer that does not exist, before the blank check", () => {
      customer().when({ type: "ChangeSmsNumber", smsNumber: "" }).thenFails(Code.NotFound, CUSTOMER_NOT_FOUND);
      customer().when({ type: "ChangeSmsNumber", smsNumber: "555-0100" }).thenFails(Code.NotFound, CUSTOMER_NOT_FOUND);
    });
  });

  describe("EnableCustomer", () => {
    it("records CustomerEnabled on a disabled customer", () => {
      const { state } = customer(registered(), disabled)
        .when({ type: "EnableCustomer" })
        .then([{ name: "customers.CustomerEnabled", payload: {} }]);
      expect(state.enabled).toBe(true);
      expect(state.version).toBe(3);
    });

    it("rejects a newly registered customer, which is enabled at registration", () => {
      customer(registered()).when({ type: "EnableCustomer" }).thenFails(Code.InvalidArgument, ALREADY_ENABLED);
    });

    it("rejects a customer enabled again", () => {
      customer(registered(), disabled, enabled)
        .when({ type: "EnableCustomer" })
        .thenFails(Code.InvalidArgument, ALREADY_ENABLED);
    });

    it("answers 404 for a customer that does not exist", () => {
      customer().when({ type: "EnableCustomer" }).thenFails(Code.NotFound, CUSTOMER_NOT_FOUND);
    });
  });

  describe("DisableCustomer", () => {
    it("records CustomerDisabled on an enabled customer", () => {
      const { state } = customer(registered())
        .when({ type: "DisableCustomer" })
        .then([{ name: "customers.CustomerDisabled", payload: {} }]);
      expect(state.enabled).toBe(false);
      expect(state.version).toBe(2);
    });

    it("can disable after a re-enable", () => {
      customer(registered(), disabled, enabled).when({ type: "DisableCustomer" }).then([disabled]);
    });

    it("rejects an already disabled customer", () => {
      customer(registered(), disabled)
        .when({ type: "DisableCustomer" })
        .thenFails(Code.InvalidArgument, ALREADY_DISABLED);
    });

    it("checks existence first (a missing customer is also not enabled)", () => {
      customer().when({ type: "DisableCustomer" }).thenFails(Code.NotFound, CUSTOMER_NOT_FOUND);
    });
  });

  describe("AuthorizeCustomer", () => {
    it("authorizes an enabled customer with no events and no error", () => {
      const { state } = customer(registered()).when({ type: "AuthorizeCustomer" }).then([]);
      expect(state.version).toBe(1);
      customer(registered(), disabled, enabled).when({ type: "AuthorizeCustomer" }).then([]);
    });

    it("fails 16 for a disabled customer", () => {
      const error = customer(registered(), disabled)
        .when({ type: "AuthorizeCustomer" })
        .thenFails(Code.Unauthenticated, NOT_AUTHORIZED);
      expect(error.toInfo()).toEqual({ code: 16, message: NOT_AUTHORIZED });
    });

    it("fails 5 for an unknown customer (before the enabled check)", () => {
      const error = customer().when({ type: "AuthorizeCustomer" }).thenFails(Code.NotFound, CUSTOMER_NOT_FOUND);
      expect(error.toInfo()).toEqual({ code: 5, message: CUSTOMER_NOT_FOUND });
    });
  });
});

// ---- evolve ------------------------------------------------------------------------------------

describe("Customer evolve", () => {
  it("starts empty, not enabled, at version 0", () => {
    expect(customerDecider.initialState(CUSTOMER_ID)).toEqual({
      id: CUSTOMER_ID,
      name: "",
      smsNumber: "",
      enabled: false,
      version: 0,
    });
  });

  it("folds a whole history", () => {
    const state = fold(customerDecider, CUSTOMER_ID, [
      registered("Ada", "1"),
      disabled,
      smsChanged("2"),
      enabled,
      smsChanged("3"),
      disabled,
    ]);
    expect(state).toEqual({ id: CUSTOMER_ID, name: "Ada", smsNumber: "3", enabled: false, version: 6 });
  });
});

// ---- published integration events --------------------------------------------------------------

describe("customerType", () => {
  it("names the stream, the snapshot and the 404", () => {
    expect(customerType.name).toBe("customers.Customer");
    expect(customerType.snapshotName).toBe("customers.CustomerV1");
    expect(customerType.decider).toBe(customerDecider);
    expect(customerType.notFound).toEqual({ code: 5, message: CUSTOMER_NOT_FOUND });
    expect(customerNotFound).toEqual({ code: 5, message: CUSTOMER_NOT_FOUND });
  });

  /** Publishes the given command's event the way the aggregate object does: with the state after it. */
  const publishOf = (history: CustomerEvent[], command: CustomerCommand) => {
    const g = customer(...history);
    const events = customerDecider.decide(command, g.state);
    expect(events).toHaveLength(1);
    const { state } = g.when(command).then(events);
    return customerType.publish(events[0]!, state);
  };

  it("RegisterCustomer publishes customersapi.CustomerRegistered {id, name, smsNumber}", () => {
    expect(publishOf([], register("Grace", "555-0123"))).toEqual([
      { name: "customersapi.CustomerRegistered", payload: { id: CUSTOMER_ID, name: "Grace", smsNumber: "555-0123" } },
    ]);
  });

  it("ChangeSmsNumber publishes customersapi.CustomerSmsChanged {id, smsNumber} with the new number", () => {
    expect(publishOf([registered("Grace", "1")], { type: "ChangeSmsNumber", smsNumber: "2" })).toEqual([
      { name: "customersapi.CustomerSmsChanged", payload: { id: CUSTOMER_ID, smsNumber: "2" } },
    ]);
  });

  it("EnableCustomer publishes customersapi.CustomerEnabled {id}", () => {
    expect(publishOf([registered(), disabled], { type: "EnableCustomer" })).toEqual([
      { name: "customersapi.CustomerEnabled", payload: { id: CUSTOMER_ID } },
    ]);
  });

  it("DisableCustomer publishes customersapi.CustomerDisabled {id}", () => {
    expect(publishOf([registered()], { type: "DisableCustomer" })).toEqual([
      { name: "customersapi.CustomerDisabled", payload: { id: CUSTOMER_ID } },
    ]);
  });

  it("every published payload satisfies the context's contract", () => {
    const history: CustomerEvent[] = [registered(), smsChanged("9"), disabled, enabled];
    const published: string[] = [];
    let state = customerDecider.initialState(CUSTOMER_ID);
    for (const event of history) {
      state = { ...customerDecider.evolve(state, event), version: state.version + 1 };
      for (const m of customerType.publish(event, state)) {
        published.push(m.name);
        const schema = customersApi[m.name as keyof typeof customersApi];
        expect(schema, m.name).toBeDefined();
        expect(schema.safeParse(m.payload).success).toBe(true);
      }
    }
    expect(published).toEqual([
      "customersapi.CustomerRegistered",
      "customersapi.CustomerSmsChanged",
      "customersapi.CustomerDisabled",
      "customersapi.CustomerEnabled",
    ]);
  });

  it("customerView exposes exactly {id, name, smsNumber, enabled}", () => {
    const state = fold(customerDecider, CUSTOMER_ID, [registered("N", "S"), disabled]);
    expect(customerView(state)).toEqual({ id: CUSTOMER_ID, name: "N", smsNumber: "S", enabled: false });
  });
});
