import { describe, expect, it } from "vitest";
import {
  addProduct,
  createStore,
  eventuallyEqual,
  expectOk,
  invalid,
  productNotFound,
  storeNotFound,
  unknownId,
  uuidV4,
} from "./expectations";
import { call } from "./http";

/** The Stores context over real HTTP (SPEC §3.1, errors of §8). */

interface StoreView {
  id: string;
  name: string;
  location: string;
  participating: boolean;
}
interface ProductView {
  id: string;
  storeId: string;
  name: string;
  description: string;
  sku: string;
  price: number;
}

const getStore = (id: string) => call("GET", `/api/stores/${id}`);
const getProduct = (id: string) => call("GET", `/api/stores/products/${id}`);

/** Lists from the D1 read model, restricted to the given ids (other tests share the system). */
async function listed(path: "/api/stores" | "/api/stores/participating", ids: string[]): Promise<StoreView[]> {
  const reply = await call<{ stores: StoreView[] }>("GET", path);
  expect(reply.status).toBe(200);
  expect(Object.keys(reply.body)).toStrictEqual(["stores"]);
  return reply.body.stores.filter((s) => ids.includes(s.id));
}

async function catalog(storeId: string): Promise<ProductView[]> {
  const reply = await call<{ products: ProductView[] }>("GET", `/api/stores/${storeId}/products`);
  expect(reply.status).toBe(200);
  expect(Object.keys(reply.body)).toStrictEqual(["products"]);
  return reply.body.products;
}

describe("CreateStore and GetStore", () => {
  it("creates a store with a fresh UUID and reads it back strongly consistently", async () => {
    const created = await call("POST", "/api/stores", { name: "Corner Shop", location: "Level 1, Unit 4" });
    expectOk(created, { id: expect.stringMatching(uuidV4) });
    const id: string = created.body.id;

    expectOk(await getStore(id), { store: { id, name: "Corner Shop", location: "Level 1, Unit 4", participating: false } });

    const other = await createStore("Corner Shop", "Level 1, Unit 4");
    expect(other).not.toBe(id);
  });

  it("rejects a blank name before a blank location", async () => {
    invalid(await call("POST", "/api/stores", { name: "", location: "" }), "the store name cannot be blank");
    invalid(await call("POST", "/api/stores", { name: "", location: "Here" }), "the store name cannot be blank");
    invalid(await call("POST", "/api/stores", { name: "   ", location: "Here" }), "the store name cannot be blank");
    invalid(await call("POST", "/api/stores", { location: "Here" }), "the store name cannot be blank");
  });

  it("rejects a blank location", async () => {
    invalid(await call("POST", "/api/stores", { name: "Shop", location: "" }), "the store location cannot be blank");
    invalid(await call("POST", "/api/stores", { name: "Shop", location: " \u00a0 " }), "the store location cannot be blank");
    // a tab is a control character, refused at the door (SPEC §2.8)
    invalid(await call("POST", "/api/stores", { name: "Shop", location: " \t " }), "invalid request: location");
    invalid(await call("POST", "/api/stores", { name: "Shop" }), "the store location cannot be blank");
  });

  it("answers 404 for an unknown store", async () => {
    storeNotFound(await getStore(unknownId()));
  });
});

describe("EnableParticipation and DisableParticipation", () => {
  it("toggles participation and rejects repeats with the exact texts", async () => {
    const id = await createStore("Toggle", "Level 2");

    invalid(await call("DELETE", `/api/stores/${id}/participating`), "the store is already not participating");

    expectOk(await call("PUT", `/api/stores/${id}/participating`, {}), {});
    expectOk(await getStore(id), { store: { id, name: "Toggle", location: "Level 2", participating: true } });
    invalid(await call("PUT", `/api/stores/${id}/participating`, {}), "the store is already participating");

    expectOk(await call("DELETE", `/api/stores/${id}/participating`), {});
    expectOk(await getStore(id), { store: { id, name: "Toggle", location: "Level 2", participating: false } });
    invalid(await call("DELETE", `/api/stores/${id}/participating`), "the store is already not participating");

    // Enabling again after disabling works.
    expectOk(await call("PUT", `/api/stores/${id}/participating`), {});
    expectOk(await getStore(id), { store: { id, name: "Toggle", location: "Level 2", participating: true } });
  });

  it("answers 404 for an unknown store", async () => {
    const id = unknownId();
    storeNotFound(await call("PUT", `/api/stores/${id}/participating`, {}));
    storeNotFound(await call("DELETE", `/api/stores/${id}/participating`));
    storeNotFound(await getStore(id));
  });
});

describe("RebrandStore", () => {
  it("renames the store and keeps location and participation", async () => {
    const id = await createStore("Old Name", "Level 3");
    expectOk(await call("PUT", `/api/stores/${id}/participating`), {});
    expectOk(await call("PUT", `/api/stores/${id}/rebrand`, { name: "New Name" }), {});
    expectOk(await getStore(id), { store: { id, name: "New Name", location: "Level 3", participating: true } });
  });

  it("rejects a blank name and changes nothing", async () => {
    const id = await createStore("Keep", "Level 3");
    invalid(await call("PUT", `/api/stores/${id}/rebrand`, { name: "" }), "the store name cannot be blank");
    invalid(await call("PUT", `/api/stores/${id}/rebrand`, { name: "  " }), "the store name cannot be blank");
    invalid(await call("PUT", `/api/stores/${id}/rebrand`, {}), "the store name cannot be blank");
    invalid(await call("PUT", `/api/stores/${id}/rebrand`), "the store name cannot be blank");
    expectOk(await getStore(id), { store: { id, name: "Keep", location: "Level 3", participating: false } });
  });

  it("checks existence before the name (unknown store with a blank name → 404)", async () => {
    storeNotFound(await call("PUT", `/api/stores/${unknownId()}/rebrand`, { name: "Fine" }));
    storeNotFound(await call("PUT", `/api/stores/${unknownId()}/rebrand`, { name: "" }));
  });
});

describe("AddProduct and GetProduct", () => {
  it("adds a product with every field and reads it back", async () => {
    const storeId = await createStore("Grocer", "Level 1");
    const created = await call("POST", `/api/stores/${storeId}/products`, {
      name: "Apples",
      description: "Crisp and red",
      sku: "APL-001",
      price: 1.25,
    });
    expectOk(created, { id: expect.stringMatching(uuidV4) });
    const id: string = created.body.id;
    expectOk(await getProduct(id), {
      product: { id, storeId, name: "Apples", description: "Crisp and red", sku: "APL-001", price: 1.25 },
    });
  });

  it("allows blank description and sku and a zero price; missing fields are zero values", async () => {
    const storeId = await createStore("Freebies", "Level 1");
    const id = await addProduct(storeId, { name: "Sample" });
    expectOk(await getProduct(id), { product: { id, storeId, name: "Sample", description: "", sku: "", price: 0 } });

    const zero = await addProduct(storeId, { name: "Zero", description: "", sku: "", price: 0 });
    expectOk(await getProduct(zero), { product: { id: zero, storeId, name: "Zero", description: "", sku: "", price: 0 } });
  });

  it("rounds the price to whole cents, half away from zero, on its decimal text", async () => {
    const storeId = await createStore("Rounding", "Level 1");
    const cases: [number | string, number][] = [
      [9.995, 10],
      [9.994, 9.99],
      [1.005, 1.01],
      [0.1 + 0.2, 0.3],
      [2.675, 2.68],
      [1.5e2, 150],
      [1e-7, 0],
      [-0.004, 0], // rounds to 0, which is allowed
    ];
    for (const [input, expected] of cases) {
      const id = await addProduct(storeId, { name: `P ${input}`, price: input as number });
      const got = await getProduct(id);
      expect(got.status).toBe(200);
      expect({ input, price: got.body.product.price }).toStrictEqual({ input, price: expected });
    }
  });

  it("rejects a blank name before a negative price", async () => {
    const storeId = await createStore("Checks", "Level 1");
    const path = `/api/stores/${storeId}/products`;
    invalid(await call("POST", path, { name: "", price: -1 }), "initializing product: the product name cannot be blank");
    invalid(await call("POST", path, { name: " ", price: 1 }), "initializing product: the product name cannot be blank");
    invalid(await call("POST", path, { price: 1 }), "initializing product: the product name cannot be blank");
    invalid(await call("POST", path, {}), "initializing product: the product name cannot be blank");
  });

  it("rejects a negative price (after rounding)", async () => {
    const storeId = await createStore("Checks", "Level 1");
    const path = `/api/stores/${storeId}/products`;
    invalid(await call("POST", path, { name: "Bad", price: -1 }), "initializing product: the product price cannot be negative");
    invalid(await call("POST", path, { name: "Bad", price: -0.005 }), "initializing product: the product price cannot be negative");
    invalid(await call("POST", path, { name: "Bad", price: -1.005 }), "initializing product: the product price cannot be negative");
  });

  it("checks that the store exists first (unknown store → 404 even with a blank name or negative price)", async () => {
    storeNotFound(await call("POST", `/api/stores/${unknownId()}/products`, { name: "Ok", price: 1 }));
    storeNotFound(await call("POST", `/api/stores/${unknownId()}/products`, { name: "", price: 1 }));
    storeNotFound(await call("POST", `/api/stores/${unknownId()}/products`, { name: "Ok", price: -1 }));
    storeNotFound(await call("POST", `/api/stores/${unknownId()}/products`, {}));
    // The journey R6 example of SPEC §6.2.
    storeNotFound(await call("POST", "/api/stores/unknown/products", { name: "Thing", price: 1 }));
  });

  it("answers 404 for an unknown product", async () => {
    productNotFound(await getProduct(unknownId()));
  });
});

describe("RebrandProduct", () => {
  it("sets name and description, keeping store, sku and price", async () => {
    const storeId = await createStore("Rebrander", "Level 1");
    const id = await addProduct(storeId, { name: "Old", description: "old desc", sku: "S-1", price: 3 });
    expectOk(await call("PUT", `/api/stores/products/${id}/rebrand`, { name: "New", description: "new desc" }), {});
    expectOk(await getProduct(id), {
      product: { id, storeId, name: "New", description: "new desc", sku: "S-1", price: 3 },
    });
    // A missing description is the zero value: it clears the description.
    expectOk(await call("PUT", `/api/stores/products/${id}/rebrand`, { name: "Newer" }), {});
    expectOk(await getProduct(id), { product: { id, storeId, name: "Newer", description: "", sku: "S-1", price: 3 } });
  });

  it("rejects a blank name and changes nothing", async () => {
    const storeId = await createStore("Rebrander", "Level 1");
    const id = await addProduct(storeId, { name: "Keep", description: "d", sku: "k", price: 1 });
    invalid(await call("PUT", `/api/stores/products/${id}/rebrand`, { name: "", description: "x" }), "the product name cannot be blank");
    invalid(await call("PUT", `/api/stores/products/${id}/rebrand`, { name: "\u2028" }), "the product name cannot be blank");
    invalid(await call("PUT", `/api/stores/products/${id}/rebrand`, { name: "\n" }), "invalid request: name");
    invalid(await call("PUT", `/api/stores/products/${id}/rebrand`), "the product name cannot be blank");
    expectOk(await getProduct(id), { product: { id, storeId, name: "Keep", description: "d", sku: "k", price: 1 } });
  });

  it("checks existence before the name", async () => {
    productNotFound(await call("PUT", `/api/stores/products/${unknownId()}/rebrand`, { name: "X", description: "" }));
    productNotFound(await call("PUT", `/api/stores/products/${unknownId()}/rebrand`, { name: "" }));
  });
});

describe("IncreaseProductPrice and DecreaseProductPrice", () => {
  it("increases to the new price with rounding; equal is allowed; lower is rejected", async () => {
    const storeId = await createStore("Pricing", "Level 1");
    const id = await addProduct(storeId, { name: "Widget", price: 9.995 });
    const price = async () => (await getProduct(id)).body.product.price;
    expect(await price()).toBe(10);

    expectOk(await call("PUT", `/api/stores/products/${id}/increasePrice`, { price: 10.49 }), {});
    expect(await price()).toBe(10.49);

    // Equal (after rounding) is allowed: delta 0.
    expectOk(await call("PUT", `/api/stores/products/${id}/increasePrice`, { price: 10.494 }), {});
    expectOk(await call("PUT", `/api/stores/products/${id}/increasePrice`, { price: 10.49 }), {});
    expect(await price()).toBe(10.49);

    // 10.485 rounds to 10.49 (equal), 10.484 to 10.48 (a decrease).
    expectOk(await call("PUT", `/api/stores/products/${id}/increasePrice`, { price: 10.485 }), {});
    invalid(await call("PUT", `/api/stores/products/${id}/increasePrice`, { price: 10.484 }), "the price change would be a decrease");
    invalid(await call("PUT", `/api/stores/products/${id}/increasePrice`, { price: 1 }), "the price change would be a decrease");
    invalid(await call("PUT", `/api/stores/products/${id}/increasePrice`, { price: -5 }), "the price change would be a decrease");
    // A missing price is 0: a decrease.
    invalid(await call("PUT", `/api/stores/products/${id}/increasePrice`, {}), "the price change would be a decrease");
    expect(await price()).toBe(10.49);

    expectOk(await call("PUT", `/api/stores/products/${id}/increasePrice`, { price: 1005.005 }), {});
    expect(await price()).toBe(1005.01);
  });

  it("decreases to the new price with rounding; equal and zero are allowed", async () => {
    const storeId = await createStore("Pricing", "Level 1");
    const id = await addProduct(storeId, { name: "Gadget", description: "g", sku: "G-1", price: 5 });
    const price = async () => (await getProduct(id)).body.product.price;

    invalid(await call("PUT", `/api/stores/products/${id}/decreasePrice`, { price: 5.01 }), "the price change would be an increase");
    invalid(await call("PUT", `/api/stores/products/${id}/decreasePrice`, { price: 5.005 }), "the price change would be an increase");
    expectOk(await call("PUT", `/api/stores/products/${id}/decreasePrice`, { price: 5.004 }), {}); // rounds to 5: equal
    expect(await price()).toBe(5);

    expectOk(await call("PUT", `/api/stores/products/${id}/decreasePrice`, { price: 1.005 }), {});
    expect(await price()).toBe(1.01);

    invalid(await call("PUT", `/api/stores/products/${id}/decreasePrice`, { price: -0.01 }), "the product price cannot be negative");
    invalid(await call("PUT", `/api/stores/products/${id}/decreasePrice`, { price: -0.005 }), "the product price cannot be negative");
    expect(await price()).toBe(1.01);

    expectOk(await call("PUT", `/api/stores/products/${id}/decreasePrice`, {}), {}); // missing → 0
    expectOk(await getProduct(id), { product: { id, storeId, name: "Gadget", description: "g", sku: "G-1", price: 0 } });
    expectOk(await call("PUT", `/api/stores/products/${id}/decreasePrice`, { price: -0.004 }), {}); // rounds to 0
    expect(await price()).toBe(0);
  });

  it("answers 404 for an unknown product before any price check", async () => {
    productNotFound(await call("PUT", `/api/stores/products/${unknownId()}/increasePrice`, { price: 1 }));
    productNotFound(await call("PUT", `/api/stores/products/${unknownId()}/increasePrice`, { price: -1 }));
    productNotFound(await call("PUT", `/api/stores/products/${unknownId()}/decreasePrice`, { price: 1 }));
    productNotFound(await call("PUT", `/api/stores/products/${unknownId()}/decreasePrice`, { price: -1 }));
  });
});

describe("RemoveProduct", () => {
  it("removes a product; afterwards GET and every command answer 404", async () => {
    const storeId = await createStore("Remover", "Level 1");
    const id = await addProduct(storeId, { name: "Doomed", price: 2 });
    expectOk(await call("DELETE", `/api/stores/products/${id}`), {});

    productNotFound(await getProduct(id));
    productNotFound(await call("PUT", `/api/stores/products/${id}/rebrand`, { name: "X", description: "Y" }));
    productNotFound(await call("PUT", `/api/stores/products/${id}/rebrand`, { name: "" })); // 404 before blank name
    productNotFound(await call("PUT", `/api/stores/products/${id}/increasePrice`, { price: 3 }));
    productNotFound(await call("PUT", `/api/stores/products/${id}/increasePrice`, { price: 1 })); // 404 before decrease check
    productNotFound(await call("PUT", `/api/stores/products/${id}/decreasePrice`, { price: 1 }));
    productNotFound(await call("PUT", `/api/stores/products/${id}/decreasePrice`, { price: 3 })); // 404 before increase check
    productNotFound(await call("DELETE", `/api/stores/products/${id}`));
    productNotFound(await getProduct(id));
  });

  it("answers 404 for an unknown product", async () => {
    productNotFound(await call("DELETE", `/api/stores/products/${unknownId()}`));
  });
});

describe("read models (eventually consistent)", () => {
  it("GET /api/stores lists every store oldest first with all fields, following rebrands and participation", async () => {
    const a = await createStore("List A", "North");
    expectOk(await getStore(a), { store: { id: a, name: "List A", location: "North", participating: false } });
    const b = await createStore("List B", "South");
    expectOk(await getStore(b), { store: { id: b, name: "List B", location: "South", participating: false } });
    const c = await createStore("List C", "East");
    const ids = [a, b, c];

    await eventuallyEqual(
      () => listed("/api/stores", ids),
      [
        { id: a, name: "List A", location: "North", participating: false },
        { id: b, name: "List B", location: "South", participating: false },
        { id: c, name: "List C", location: "East", participating: false },
      ],
      "the three new stores in /api/stores, oldest first",
    );

    expectOk(await call("PUT", `/api/stores/${b}/participating`), {});
    expectOk(await call("PUT", `/api/stores/${c}/participating`), {});
    expectOk(await call("PUT", `/api/stores/${c}/rebrand`, { name: "List C2" }), {});
    expectOk(await call("PUT", `/api/stores/${a}/rebrand`, { name: "List A2" }), {});

    await eventuallyEqual(
      () => listed("/api/stores", ids),
      [
        { id: a, name: "List A2", location: "North", participating: false },
        { id: b, name: "List B", location: "South", participating: true },
        { id: c, name: "List C2", location: "East", participating: true },
      ],
      "rebrands and participation in /api/stores (order unchanged)",
    );
    await eventuallyEqual(
      () => listed("/api/stores/participating", ids),
      [
        { id: b, name: "List B", location: "South", participating: true },
        { id: c, name: "List C2", location: "East", participating: true },
      ],
      "participating stores, oldest first",
    );

    expectOk(await call("DELETE", `/api/stores/${b}/participating`), {});
    await eventuallyEqual(
      () => listed("/api/stores/participating", ids),
      [{ id: c, name: "List C2", location: "East", participating: true }],
      "a store that stopped participating leaves /api/stores/participating",
    );
    await eventuallyEqual(
      () => listed("/api/stores", ids),
      [
        { id: a, name: "List A2", location: "North", participating: false },
        { id: b, name: "List B", location: "South", participating: false },
        { id: c, name: "List C2", location: "East", participating: true },
      ],
      "/api/stores keeps the store that stopped participating",
    );
  });

  it("GET /api/stores/participating holds participating stores only", async () => {
    const id = await createStore("Participant", "West");
    expectOk(await call("PUT", `/api/stores/${id}/participating`), {});
    await eventuallyEqual(
      () => listed("/api/stores/participating", [id]),
      [{ id, name: "Participant", location: "West", participating: true }],
      "the participating store",
    );
    const all = await call<{ stores: StoreView[] }>("GET", "/api/stores/participating");
    for (const s of all.body.stores) {
      expect(Object.keys(s).sort()).toStrictEqual(["id", "location", "name", "participating"]);
      expect(s.participating).toBe(true);
    }
  });

  it("GET /api/stores/{storeId}/products lists live products oldest first, following every change", async () => {
    const storeId = await createStore("Catalog", "Level 5");
    const other = await createStore("Other Catalog", "Level 5");
    const p1 = await addProduct(storeId, { name: "One", description: "first", sku: "SKU-1", price: 1 });
    expect((await getProduct(p1)).status).toBe(200);
    const p2 = await addProduct(storeId, { name: "Two", description: "second", sku: "SKU-2", price: 9.995 });
    expect((await getProduct(p2)).status).toBe(200);
    const p3 = await addProduct(storeId, { name: "Three", description: "third", sku: "SKU-3", price: 3 });
    expect((await getProduct(p3)).status).toBe(200);
    const p4 = await addProduct(storeId, { name: "Four", description: "", sku: "", price: 0 });
    const elsewhere = await addProduct(other, { name: "Elsewhere", price: 7 });

    await eventuallyEqual(
      () => catalog(storeId),
      [
        { id: p1, storeId, name: "One", description: "first", sku: "SKU-1", price: 1 },
        { id: p2, storeId, name: "Two", description: "second", sku: "SKU-2", price: 10 },
        { id: p3, storeId, name: "Three", description: "third", sku: "SKU-3", price: 3 },
        { id: p4, storeId, name: "Four", description: "", sku: "", price: 0 },
      ],
      "the new catalog, oldest first",
    );
    await eventuallyEqual(
      () => catalog(other),
      [{ id: elsewhere, storeId: other, name: "Elsewhere", description: "", sku: "", price: 7 }],
      "the other store's catalog",
    );

    expectOk(await call("PUT", `/api/stores/products/${p1}/rebrand`, { name: "Uno", description: "primero" }), {});
    expectOk(await call("PUT", `/api/stores/products/${p2}/increasePrice`, { price: 10.49 }), {});
    expectOk(await call("PUT", `/api/stores/products/${p1}/decreasePrice`, { price: 0.555 }), {});
    expectOk(await call("DELETE", `/api/stores/products/${p3}`), {});
    expectOk(await call("PUT", `/api/stores/products/${p4}/increasePrice`, { price: 0.1 }), {});
    expectOk(await call("PUT", `/api/stores/products/${p4}/increasePrice`, { price: 0.3 }), {});
    expectOk(await call("PUT", `/api/stores/products/${p4}/decreasePrice`, { price: 0.2 }), {});

    await eventuallyEqual(
      () => catalog(storeId),
      [
        { id: p1, storeId, name: "Uno", description: "primero", sku: "SKU-1", price: 0.56 },
        { id: p2, storeId, name: "Two", description: "second", sku: "SKU-2", price: 10.49 },
        { id: p4, storeId, name: "Four", description: "", sku: "", price: 0.2 },
      ],
      "rebrand, price changes and removal in the catalog",
    );
  });

  it("a product removed right after it was added never stays in the catalog", async () => {
    const storeId = await createStore("Flash", "Level 6");
    const gone = await addProduct(storeId, { name: "Gone", price: 1 });
    expectOk(await call("DELETE", `/api/stores/products/${gone}`), {});
    const kept = await addProduct(storeId, { name: "Kept", price: 2 });
    await eventuallyEqual(
      () => catalog(storeId),
      [{ id: kept, storeId, name: "Kept", description: "", sku: "", price: 2 }],
      "only the kept product",
    );
  });

  it("an unknown store has an empty catalog", async () => {
    expectOk(await call("GET", `/api/stores/${unknownId()}/products`), { products: [] });
    const fresh = await createStore("Empty", "Level 7");
    expectOk(await call("GET", `/api/stores/${fresh}/products`), { products: [] });
  });
});
