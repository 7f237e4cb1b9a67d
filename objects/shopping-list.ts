import { type ShoppingList, type ShoppingListCommand, type ShoppingListEvent, shoppingListType } from "../src/depot/domain";
import { AggregateObject } from "./aggregate-object";

export class ShoppingListObject extends AggregateObject<ShoppingListCommand, ShoppingListEvent, ShoppingList> {
  protected readonly type = shoppingListType;
}
