import type { z } from "zod";
import { aggregateType, type Decider, entityNotFound, type EventsOf, type MessagesOf } from "../kernel/decider";
import { Code, DomainError, invalid } from "../kernel/errors";
import type { customerEvents, customerSchema, customersApi } from "./contract";

export interface Customer {
  id: string;
  name: string;
  smsNumber: string;
  enabled: boolean;
  version: number;
}

export type CustomerCommand =
  | { type: "RegisterCustomer"; name: string; smsNumber: string }
  | { type: "ChangeSmsNumber"; smsNumber: string }
  | { type: "EnableCustomer" }
  | { type: "DisableCustomer" }
  | { type: "AuthorizeCustomer" };

export type CustomerEvent = EventsOf<typeof customerEvents>;

export const customerNotFound = entityNotFound("customer");

const blank = (s: string) => s.trim() === "";

export const customerDecider: Decider<CustomerCommand, CustomerEvent, Customer> = {
  initialState: (id) => ({ id, name: "", smsNumber: "", enabled: false, version: 0 }),

  decide(command, customer) {
    if (command.type === "RegisterCustomer") {
      if (customer.version > 0) throw new DomainError(Code.AlreadyExists, "the customer already exists");
      if (blank(command.name)) throw invalid("the customer name cannot be blank");
      if (blank(command.smsNumber)) throw invalid("the SMS number cannot be blank");
      return [{ name: "customers.CustomerRegistered", payload: { name: command.name, smsNumber: command.smsNumber } }];
    }
    if (customer.version === 0) throw DomainError.from(customerNotFound);
    switch (command.type) {
      case "ChangeSmsNumber":
        if (blank(command.smsNumber)) throw invalid("the SMS number cannot be blank");
        if (command.smsNumber === customer.smsNumber) return [];
        return [{ name: "customers.CustomerSmsChanged", payload: { smsNumber: command.smsNumber } }];
      case "EnableCustomer":
        if (customer.enabled) throw invalid("the customer is already enabled");
        return [{ name: "customers.CustomerEnabled", payload: {} }];
      case "DisableCustomer":
        if (!customer.enabled) throw invalid("the customer is already disabled");
        return [{ name: "customers.CustomerDisabled", payload: {} }];
      case "AuthorizeCustomer":
        if (!customer.enabled) throw new DomainError(Code.Unauthenticated, "customer is not authorized");
        return [];
    }
  },

  evolve(customer, event) {
    switch (event.name) {
      case "customers.CustomerRegistered":
        return { ...customer, name: event.payload.name, smsNumber: event.payload.smsNumber, enabled: true };
      case "customers.CustomerSmsChanged":
        return { ...customer, smsNumber: event.payload.smsNumber };
      case "customers.CustomerEnabled":
        return { ...customer, enabled: true };
      case "customers.CustomerDisabled":
        return { ...customer, enabled: false };
    }
  },
};

export const customerType = aggregateType<CustomerCommand, CustomerEvent, Customer, MessagesOf<typeof customersApi>>({
  name: "customers.Customer",
  entity: "customer",
  decider: customerDecider,
  publish(event, customer) {
    const id = customer.id;
    switch (event.name) {
      case "customers.CustomerRegistered":
        return [{ name: "customersapi.CustomerRegistered", payload: { id, name: customer.name, smsNumber: customer.smsNumber } }];
      case "customers.CustomerSmsChanged":
        return [{ name: "customersapi.CustomerSmsChanged", payload: { id, smsNumber: customer.smsNumber } }];
      case "customers.CustomerEnabled":
        return [{ name: "customersapi.CustomerEnabled", payload: { id } }];
      case "customers.CustomerDisabled":
        return [{ name: "customersapi.CustomerDisabled", payload: { id } }];
    }
  },
});

export const customerView = (c: Customer): z.infer<typeof customerSchema> => ({ id: c.id, name: c.name, smsNumber: c.smsNumber, enabled: c.enabled });
