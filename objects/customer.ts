import { type Customer, type CustomerCommand, type CustomerEvent, customerType } from "../src/customers/domain";
import { AggregateObject } from "./aggregate-object";

export class CustomerObject extends AggregateObject<CustomerCommand, CustomerEvent, Customer> {
  protected readonly type = customerType;
}
