import { type Product, type ProductCommand, type ProductEvent, productType } from "../src/stores/domain";
import { AggregateObject } from "./aggregate-object";

export class ProductObject extends AggregateObject<ProductCommand, ProductEvent, Product> {
  protected readonly type = productType;
}
