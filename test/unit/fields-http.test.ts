import { describe, expect, it } from "vitest";
import { z } from "zod";
import { DomainError } from "../../src/kernel/errors";
import { body, empty, flag, id, list, maxLength, money, quantity, text } from "../../src/kernel/fields";
import { buildApp } from "../../src/app";
import { camelizeKeys, nestedDeeperThan, validate } from "../../src/kernel/http";

/** Asserts that `fn` throws DomainError code 3 with exactly `invalid request: <detail>`. */
function expectInvalidRequest(fn: () => unknown, detail: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, "expected an invalid request").toBeInstanceOf(DomainError);
  const error = thrown as DomainError;
  expect({ code: error.code, message: error.message }).toEqual({ code: 3, message: `invalid request: ${detail}` });
}

// ---- fields: zero values and types (SPEC §2.4, §2.2) -------------------------------------------

describe("fields", () => {
  const storeBody = body({ name: text(maxLength.name), location: text(maxLength.location) });

  describe("text(max)", () => {
    it("takes the zero value \"\" when missing or null", () => {
      expect(validate(storeBody, {})).toEqual({ name: "", location: "" });
      expect(validate(storeBody, { name: null, location: undefined })).toEqual({ name: "", location: "" });
    });

    it("keeps a string unchanged (blank checks belong to the domain)", () => {
      expect(validate(storeBody, { name: "  Books ", location: "" })).toEqual({ name: "  Books ", location: "" });
    });

    it.each([[5], [true], [{}], [[]], [["a"]]])("rejects %j as the wrong type", (value) => {
      expectInvalidRequest(() => validate(storeBody, { name: value }), "name");
    });
  });

  describe("money()", () => {
    const priceBody = body({ price: money() });

    it("takes the zero value 0 when missing or null", () => {
      expect(validate(priceBody, {})).toEqual({ price: 0 });
      expect(validate(priceBody, { price: null })).toEqual({ price: 0 });
    });

    it("rounds to whole cents, half away from zero", () => {
      expect(validate(priceBody, { price: 9.994 })).toEqual({ price: 9.99 });
      expect(validate(priceBody, { price: 9.995 })).toEqual({ price: 10 });
      expect(validate(priceBody, { price: -1.005 })).toEqual({ price: -1.01 });
      expect(validate(priceBody, { price: 1e-7 })).toEqual({ price: 0 });
    });

    it("passes negative amounts through (the domain rejects them with its own text)", () => {
      expect(validate(priceBody, { price: -5 })).toEqual({ price: -5 });
    });

    it.each([["9.99"], [true], [{}], [[1]], [Number.NaN], [Number.POSITIVE_INFINITY]])(
      "rejects %j as the wrong type",
      (value) => {
        expectInvalidRequest(() => validate(priceBody, { price: value }), "price");
      },
    );
  });

  describe("quantity()", () => {
    const qtyBody = body({ quantity: quantity() });

    it("takes the zero value 0 when missing or null", () => {
      expect(validate(qtyBody, {})).toEqual({ quantity: 0 });
      expect(validate(qtyBody, { quantity: null })).toEqual({ quantity: 0 });
    });

    it("accepts integers, including negative ones (the domain rejects those with its own text)", () => {
      expect(validate(qtyBody, { quantity: 3 })).toEqual({ quantity: 3 });
      expect(validate(qtyBody, { quantity: 0 })).toEqual({ quantity: 0 });
      expect(validate(qtyBody, { quantity: -1 })).toEqual({ quantity: -1 });
      expect(validate(qtyBody, { quantity: 2.0 })).toEqual({ quantity: 2 });
    });

    it.each([[1.5], [0.1], [-2.5], [Number.NaN], [Number.POSITIVE_INFINITY], [Number.NEGATIVE_INFINITY]])(
      "rejects the non-integer or non-finite %d",
      (value) => {
        expectInvalidRequest(() => validate(qtyBody, { quantity: value }), "quantity");
      },
    );

    it.each([["2"], [true], [[2]]])("rejects %j as the wrong type", (value) => {
      expectInvalidRequest(() => validate(qtyBody, { quantity: value }), "quantity");
    });
  });

  describe("flag()", () => {
    const flagBody = body({ participating: flag() });

    it("takes the zero value false when missing or null", () => {
      expect(validate(flagBody, {})).toEqual({ participating: false });
      expect(validate(flagBody, { participating: null })).toEqual({ participating: false });
    });

    it("keeps booleans", () => {
      expect(validate(flagBody, { participating: true })).toEqual({ participating: true });
      expect(validate(flagBody, { participating: false })).toEqual({ participating: false });
    });

    it.each([["true"], [1], [0]])("rejects %j as the wrong type", (value) => {
      expectInvalidRequest(() => validate(flagBody, { participating: value }), "participating");
    });
  });

  describe("list()", () => {
    const itemsBody = body({ items: list(body({ productId: id(), quantity: quantity() })) });

    it("takes the zero value [] when missing or null", () => {
      expect(validate(itemsBody, {})).toEqual({ items: [] });
      expect(validate(itemsBody, { items: null })).toEqual({ items: [] });
    });

    it("applies zero values inside items", () => {
      expect(validate(itemsBody, { items: [{}, { productId: "p", quantity: 2 }] })).toEqual({
        items: [
          { productId: "", quantity: 0 },
          { productId: "p", quantity: 2 },
        ],
      });
    });

    it("names the nested field path of a wrong item", () => {
      expectInvalidRequest(() => validate(itemsBody, { items: [{ quantity: 1 }, { quantity: 1.5 }] }), "items.1.quantity");
      expectInvalidRequest(() => validate(itemsBody, { items: [{ productId: 7 }] }), "items.0.productId");
      expectInvalidRequest(() => validate(itemsBody, { items: [5] }), "items.0");
      expectInvalidRequest(() => validate(itemsBody, { items: "p" }), "items");
    });
  });

  describe("body() / empty()", () => {
    it("ignores unknown fields", () => {
      expect(validate(storeBody, { name: "a", location: "b", extra: 1, nested: { x: 1 } })).toEqual({
        name: "a",
        location: "b",
      });
      expect(validate(empty(), { anything: true })).toEqual({});
    });

    it("rejects a non-object body", () => {
      expectInvalidRequest(() => validate(storeBody, null), "body");
      expectInvalidRequest(() => validate(storeBody, "text"), "body");
      expectInvalidRequest(() => validate(empty(), 5), "body");
    });

    it("reports the first wrong field in schema order", () => {
      expectInvalidRequest(() => validate(storeBody, { name: 1, location: 2 }), "name");
      expectInvalidRequest(() => validate(storeBody, { location: 2, name: 1 }), "name");
      expectInvalidRequest(() => validate(storeBody, { name: "ok", location: 2 }), "location");
    });
  });
});

// ---- http: validate ----------------------------------------------------------------------------

describe("validate", () => {
  it("returns the parsed output on success", () => {
    expect(validate(z.object({ n: z.number() }), { n: 1 })).toEqual({ n: 1 });
  });

  it("uses the fallback detail when the issue has no path", () => {
    expectInvalidRequest(() => validate(z.string(), 5), "body");
    expectInvalidRequest(() => validate(z.string(), 5, "next"), "next");
  });

  it("throws a DomainError that maps to 400 code 3", () => {
    try {
      validate(z.object({ a: z.string() }), { a: 1 });
      expect.fail("validate should have thrown");
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).toInfo()).toEqual({ code: 3, message: "invalid request: a" });
    }
  });
});

// ---- http: camelizeKeys (snake_case spellings, SPEC §2.4) ---------------------------------------

describe("camelizeKeys", () => {
  it("renames snake_case keys to lowerCamelCase", () => {
    expect(camelizeKeys({ customer_id: "c", sms_number: "555", payment_id: "p" })).toEqual({
      customerId: "c",
      smsNumber: "555",
      paymentId: "p",
    });
  });

  it("handles several underscores and digits", () => {
    expect(camelizeKeys({ a_b_c: 1, line_1: 2, store_id_2x: 3 })).toEqual({ aBC: 1, line1: 2, storeId2x: 3 });
  });

  it("leaves camelCase and plain keys alone", () => {
    expect(camelizeKeys({ customerId: "c", name: "n", price: 1 })).toEqual({ customerId: "c", name: "n", price: 1 });
  });

  it("lets the camelCase spelling win over the snake_case one, in either order", () => {
    expect(camelizeKeys({ customer_id: "snake", customerId: "camel" })).toEqual({ customerId: "camel" });
    expect(camelizeKeys({ customerId: "camel", customer_id: "snake" })).toEqual({ customerId: "camel" });
    // even when the camelCase value is null (it then takes its zero value downstream)
    expect(camelizeKeys({ customer_id: "snake", customerId: null })).toEqual({ customerId: null });
  });

  it("recurses into nested objects and arrays", () => {
    expect(
      camelizeKeys({ basket_id: "b", items: [{ product_id: "p", store_id: "s", quantity: 1 }], meta_data: { inner_key: [1] } }),
    ).toEqual({ basketId: "b", items: [{ productId: "p", storeId: "s", quantity: 1 }], metaData: { innerKey: [1] } });
    expect(camelizeKeys([{ a_b: 1 }, 2])).toEqual([{ aB: 1 }, 2]);
  });

  it("does not touch values, only keys", () => {
    expect(camelizeKeys({ name: "snake_case_value" })).toEqual({ name: "snake_case_value" });
    expect(camelizeKeys("a_b")).toBe("a_b");
    expect(camelizeKeys(null)).toBeNull();
    expect(camelizeKeys(5)).toBe(5);
    expect(camelizeKeys(undefined)).toBeUndefined();
  });

  it("does not mutate its input", () => {
    const input = { customer_id: "c", items: [{ product_id: "p" }] };
    const copy = structuredClone(input);
    camelizeKeys(input);
    expect(input).toEqual(copy);
  });

  it("feeds validate: a snake_case body parses like a camelCase one", () => {
    const schema = body({ customerId: id(), smsNumber: text(maxLength.smsNumber) });
    expect(validate(schema, camelizeKeys({ customer_id: "c", sms_number: "5" }))).toEqual({
      customerId: "c",
      smsNumber: "5",
    });
    expectInvalidRequest(() => validate(schema, camelizeKeys({ customer_id: 5 })), "customerId");
  });

  // A JSON body may carry an own "__proto__" key; it must stay an ignored unknown field and never become the
  // prototype of the camelized object (zod would then read inherited fields).
  it('ignores a "__proto__" key like any unknown field', () => {
    const parsed = camelizeKeys(JSON.parse('{"__proto__":{"name":"smuggled"},"nested":{"__proto__":{"x":1}}}'));
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(validate(body({ name: text(maxLength.name) }), parsed)).toEqual({ name: "" });
  });
});

// ---- http: nesting depth (SPEC §2.8) ------------------------------------------------------------

describe("body nesting depth", () => {
  /** `{"a":{"a":…{}}}` with `levels` objects, as a string (building it as a value would recurse). */
  const nested = (levels: number) => `${'{"a":'.repeat(levels - 1)}{}${"}".repeat(levels - 1)}`;
  const arrays = (levels: number) => `${"[".repeat(levels)}${"]".repeat(levels)}`;

  it("counts objects and arrays as levels, the outermost being level 1", () => {
    expect(nestedDeeperThan(JSON.parse(nested(32)), 32)).toBe(false);
    expect(nestedDeeperThan(JSON.parse(nested(33)), 32)).toBe(true);
    expect(nestedDeeperThan({ items: JSON.parse(arrays(31)) }, 32)).toBe(false);
    expect(nestedDeeperThan({ items: JSON.parse(arrays(32)) }, 32)).toBe(true);
    expect(nestedDeeperThan({ a: "x", b: [1, { c: null }] }, 2)).toBe(true);
    expect(nestedDeeperThan({ a: "x", b: [1, 2] }, 2)).toBe(false);
  });

  it("measures a body nested 100,000 deep without exhausting the stack", () => {
    expect(nestedDeeperThan(JSON.parse(nested(100_000)), 32)).toBe(true);
  });

  it("answers 400 invalid request: body for a 10 KB body nested 5,000 deep, before validating fields", async () => {
    const app = buildApp();
    const post = (body: string) => app.request("/api/stores", { method: "POST", body });
    const deep = await post(`{"name":5,"location":"L","x":${arrays(5_000)}}`);
    expect(deep.status).toBe(400);
    expect(await deep.json()).toEqual({ code: 3, message: "invalid request: body", details: [] });
    // 32 levels pass the depth check and reach field validation
    const atLimit = await post(`{"name":5,"location":"L","x":${nested(31)}}`);
    expect(await atLimit.json()).toEqual({ code: 3, message: "invalid request: name", details: [] });
  });
});
