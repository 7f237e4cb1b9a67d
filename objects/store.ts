import { type Store, type StoreCommand, type StoreEvent, storeType } from "../src/stores/domain";
import { AggregateObject } from "./aggregate-object";

export class StoreObject extends AggregateObject<StoreCommand, StoreEvent, Store> {
  protected readonly type = storeType;
}
