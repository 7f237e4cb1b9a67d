import { describe, expect, it } from "vitest";
import {
  addProduct,
  createStore,
  expectError,
  expectOk,
  invalid,
  notFound,
  productNotFound,
  storeNotFound,
  unknownId,
  uuidV4,
} from "./expectations";
import { baseUrl, call, type Reply } from "./http";

/** HTTP and JSON conventions of SPEC §2.4/§2.5 and the operational endpoints of §7, over real HTTP. */

const KiB = 1024;

/** A request with full control over body bytes and headers (no JSON encoding, no default headers). */
async function raw(method: string, path: string, init: RequestInit & { duplex?: "half" } = {}): Promise<Reply & { text: string }> {
  const res = await fetch(baseUrl() + path, { method, ...init });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: res.status, body, headers: res.headers, text };
}

/** A JSON object body of exactly `bytes` bytes: a valid CreateStore request padded by an ignored field. */
function paddedStoreBody(bytes: number): string {
  const head = '{"name":"Padded","location":"Big","pad":"';
  const tail = '"}';
  return head + "x".repeat(bytes - head.length - tail.length) + tail;
}

/** A chunked (no content-length) request body streamed in 8 KiB pieces. */
function chunked(textBody: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(textBody);
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + 8 * KiB));
      at += 8 * KiB;
    },
  });
}

describe("request bodies", () => {
  it("malformed JSON → 400 code 3 `invalid request: …`", async () => {
    for (const text of ['{"name": "a", "location": ', "{name: 'a'}", "not json", '{"name":"a",}', "{"]) {
      const reply = await call("POST", "/api/stores", text);
      expect(reply.status, text).toBe(400);
      expect(reply.body.code, text).toBe(3);
      expect(reply.body.message, text).toMatch(/^invalid request: .+/);
      expect(reply.body.details, text).toStrictEqual([]);
      expect(Object.keys(reply.body).sort()).toStrictEqual(["code", "details", "message"]);
    }
  });

  it("a body that is not a JSON object → 400 `invalid request: …`", async () => {
    for (const text of ["[]", '[{"name":"a","location":"b"}]', '"a string"', "42", "true", "null"]) {
      const reply = await call("POST", "/api/stores", text);
      expect(reply.status, text).toBe(400);
      expect(reply.body, text).toStrictEqual({ code: 3, message: expect.stringMatching(/^invalid request: .+/), details: [] });
    }
    const storeId = await createStore("Body shapes", "Here");
    for (const text of ["[]", '"x"']) {
      const reply = await call("PUT", `/api/stores/${storeId}/rebrand`, text);
      expect(reply.status, text).toBe(400);
      expect(reply.body.message, text).toMatch(/^invalid request: .+/);
      const participating = await call("PUT", `/api/stores/${storeId}/participating`, text);
      expect(participating.status, text).toBe(400);
      expect(participating.body.message, text).toMatch(/^invalid request: .+/);
    }
    expectOk(await call("GET", `/api/stores/${storeId}`), {
      store: { id: storeId, name: "Body shapes", location: "Here", participating: false },
    });
  });

  it("a field of the wrong type → 400 `invalid request: <field>`", async () => {
    invalid(await call("POST", "/api/stores", { name: 5, location: "x" }), "invalid request: name");
    invalid(await call("POST", "/api/stores", { name: "x", location: 5 }), "invalid request: location");
    invalid(await call("POST", "/api/stores", { name: "x", location: ["a"] }), "invalid request: location");
    invalid(await call("POST", "/api/stores", { name: { first: "x" }, location: "y" }), "invalid request: name");
    invalid(await call("POST", "/api/stores", { name: true, location: "y" }), "invalid request: name");

    const storeId = await createStore("Types", "Here");
    const products = `/api/stores/${storeId}/products`;
    invalid(await call("POST", products, { name: "P", price: "x" }), "invalid request: price");
    invalid(await call("POST", products, { name: "P", price: "1.50" }), "invalid request: price");
    invalid(await call("POST", products, { name: "P", price: true }), "invalid request: price");
    invalid(await call("POST", products, { name: "P", price: [1] }), "invalid request: price");
    invalid(await call("POST", products, { name: "P", price: 1, sku: 7 }), "invalid request: sku");
    invalid(await call("POST", products, { name: "P", price: 1, description: false }), "invalid request: description");
    invalid(await call("POST", products, { name: 1, price: 1 }), "invalid request: name");
    // A non-finite number (1e400 parses as Infinity) is not a money value.
    invalid(await call("POST", products, '{"name":"P","price":1e400}'), "invalid request: price");

    invalid(await call("PUT", `/api/stores/${storeId}/rebrand`, { name: 1 }), "invalid request: name");
    const productId = await addProduct(storeId, { name: "Typed", price: 1 });
    invalid(await call("PUT", `/api/stores/products/${productId}/rebrand`, { name: "N", description: 3 }), "invalid request: description");
    invalid(await call("PUT", `/api/stores/products/${productId}/increasePrice`, { price: "2" }), "invalid request: price");
    invalid(await call("PUT", `/api/stores/products/${productId}/decreasePrice`, { price: false }), "invalid request: price");
    expectOk(await call("GET", `/api/stores/products/${productId}`), {
      product: { id: productId, storeId, name: "Typed", description: "", sku: "", price: 1 },
    });
  });

  it("request validation comes before the domain checks (a route validates before calling the aggregate)", async () => {
    invalid(await call("POST", `/api/stores/${unknownId()}/products`, { name: "P", price: "x" }), "invalid request: price");
    invalid(await call("PUT", `/api/stores/${unknownId()}/rebrand`, { name: 5 }), "invalid request: name");
    invalid(await call("PUT", `/api/stores/products/${unknownId()}/increasePrice`, { price: "1" }), "invalid request: price");
  });

  it("fields over the limits of SPEC §2.8 → 400 `invalid request: <field>`", async () => {
    const storeId = await createStore("Limits", "Here");
    invalid(await call("POST", "/api/stores", { name: "n".repeat(101), location: "L" }), "invalid request: name");
    invalid(await call("POST", "/api/stores", { name: "N", location: "L\u0000" }), "invalid request: location");
    for (const price of [1e307, -1e307, 10_000_000.01]) {
      invalid(await call("POST", `/api/stores/${storeId}/products`, { name: "Huge", price }), "invalid request: price");
    }
    const items = Array.from({ length: 101 }, () => ({ productId: "p", storeId, quantity: 1 }));
    invalid(await call("POST", "/api/ordering", { customerId: "c", paymentId: "p", items }), "invalid request: items");
  });

  it("missing and null fields take their zero values; an empty body counts as {}", async () => {
    invalid(await call("POST", "/api/stores", {}), "the store name cannot be blank");
    invalid(await call("POST", "/api/stores"), "the store name cannot be blank");
    invalid(await call("POST", "/api/stores", ""), "the store name cannot be blank");
    invalid(await call("POST", "/api/stores", "  \n "), "the store name cannot be blank");
    invalid(await raw("POST", "/api/stores"), "the store name cannot be blank"); // no body, no content-type
    invalid(await call("POST", "/api/stores", { name: null, location: null }), "the store name cannot be blank");
    invalid(await call("POST", "/api/stores", { name: "n", location: null }), "the store location cannot be blank");

    const storeId = await createStore("Zero values", "Here");
    const id = await addProduct(storeId, { name: "Nulls", description: null, sku: null, price: null } as never);
    expectOk(await call("GET", `/api/stores/products/${id}`), {
      product: { id, storeId, name: "Nulls", description: "", sku: "", price: 0 },
    });
    invalid(await call("POST", `/api/stores/${storeId}/products`, { name: null }), "initializing product: the product name cannot be blank");

    // A command whose body is `{}` accepts an empty body.
    expectOk(await call("PUT", `/api/stores/${storeId}/participating`), {});
    expectOk(await call("DELETE", `/api/stores/${storeId}/participating`, ""), {});
  });

  it("unknown fields are ignored; snake_case spellings are accepted", async () => {
    const created = await call("POST", "/api/stores", { name: "Extra", location: "Here", owner: "me", nested: { a: [1] }, store_id: 5 });
    expectOk(created, { id: expect.stringMatching(uuidV4) });
    const id: string = created.body.id;
    expectOk(await call("GET", `/api/stores/${id}`), { store: { id, name: "Extra", location: "Here", participating: false } });

    // Fields the route does not know are ignored even when they would be of a wrong type elsewhere.
    const productId = await addProduct(id, { name: "Extra P", price: 2, quantity: "lots", storeId: "ignored" } as never);
    expectOk(await call("GET", `/api/stores/products/${productId}`), {
      product: { id: productId, storeId: id, name: "Extra P", description: "", sku: "", price: 2 },
    });
  });

  it("a body over 64 KiB → 413 `invalid request: body too large`; exactly 64 KiB is accepted", async () => {
    const atLimit = paddedStoreBody(64 * KiB);
    expect(new TextEncoder().encode(atLimit).length).toBe(64 * KiB);
    const ok = await call("POST", "/api/stores", atLimit);
    expectOk(ok, { id: expect.stringMatching(uuidV4) });

    const tooLarge = paddedStoreBody(64 * KiB + 1);
    const reply = await raw("POST", "/api/stores", { headers: { "content-type": "application/json" }, body: tooLarge });
    expectError(reply, 413, 3, "invalid request: body too large");

    // Far too large, and on other routes with bodies.
    expectError(await call("POST", "/api/stores", paddedStoreBody(300 * KiB)), 413, 3, "invalid request: body too large");
    const storeId = await createStore("Big bodies", "Here");
    expectError(
      await call("POST", `/api/stores/${storeId}/products`, { name: "Big", price: 1, pad: "y".repeat(65 * KiB) }),
      413,
      3,
      "invalid request: body too large",
    );
    expectError(
      await call("PUT", `/api/stores/${storeId}/rebrand`, { name: "Big", pad: "y".repeat(65 * KiB) }),
      413,
      3,
      "invalid request: body too large",
    );
    expectOk(await call("GET", `/api/stores/${storeId}`), {
      store: { id: storeId, name: "Big bodies", location: "Here", participating: false },
    });
  });

  it("a chunked body over 64 KiB (no content-length) → 413; a small chunked body works", async () => {
    const big = await raw("POST", "/api/stores", {
      headers: { "content-type": "application/json" },
      body: chunked(paddedStoreBody(100 * KiB)),
      duplex: "half",
    });
    expectError(big, 413, 3, "invalid request: body too large");

    const small = await raw("POST", "/api/stores", {
      headers: { "content-type": "application/json" },
      body: chunked(paddedStoreBody(20 * KiB)),
      duplex: "half",
    });
    expectOk(small, { id: expect.stringMatching(uuidV4) });
  });
});

describe("responses and errors", () => {
  it("successful commands answer 200 {} and creates 200 {id} as application/json", async () => {
    const id = await createStore("Shapes", "Here");
    const reply = await call("PUT", `/api/stores/${id}/participating`, {});
    expectOk(reply, {});
    expect(reply.headers.get("content-type")).toMatch(/^application\/json/);
  });
});

describe("routing", () => {
  it("unknown routes → 404 {code: 5, message: Not Found, details: []}", async () => {
    for (const path of ["/nope", "/api", "/api/unknown", "/api/stores/a/b/c", "/api/stores/products/x/y", "/api/baskets/x/y/z/w"]) {
      const reply = await call("GET", path);
      notFound(reply);
    }
    const rawReply = await raw("GET", "/definitely/not/here");
    expect(rawReply.text).toBe('{"code":5,"message":"Not Found","details":[]}');
  });

  it("a wrong method on a known path → 404 Not Found", async () => {
    const storeId = await createStore("Methods", "Here");
    const productId = await addProduct(storeId, { name: "M", price: 1 });
    const cases: [string, string][] = [
      ["DELETE", "/api/stores"],
      ["PUT", "/api/stores"],
      ["PATCH", "/api/stores"],
      ["POST", "/api/stores/participating"],
      ["DELETE", `/api/stores/${storeId}`], // stores cannot be deleted
      ["POST", `/api/stores/${storeId}`],
      ["PATCH", `/api/stores/${storeId}/rebrand`],
      ["POST", `/api/stores/${storeId}/rebrand`],
      ["GET", `/api/stores/${storeId}/rebrand`],
      ["GET", `/api/stores/${storeId}/participating`],
      ["POST", `/api/stores/${storeId}/participating`],
      ["PUT", `/api/stores/${storeId}/products`],
      ["DELETE", `/api/stores/${storeId}/products`],
      ["POST", `/api/stores/products/${productId}`],
      ["PUT", `/api/stores/products/${productId}`],
      ["POST", `/api/stores/products/${productId}/rebrand`],
      ["GET", `/api/stores/products/${productId}/increasePrice`],
      ["POST", `/api/stores/products/${productId}/decreasePrice`],
      ["POST", "/liveness"],
      ["POST", "/openapi.json"],
      ["DELETE", "/"],
    ];
    for (const [method, path] of cases) {
      const reply = await call(method, path, method === "GET" ? undefined : {});
      expect({ method, path, status: reply.status, body: reply.body }).toStrictEqual({
        method,
        path,
        status: 404,
        body: { code: 5, message: "Not Found", details: [] },
      });
    }
    // Nothing happened to the store or the product.
    expectOk(await call("GET", `/api/stores/${storeId}`), { store: { id: storeId, name: "Methods", location: "Here", participating: false } });
    expectOk(await call("GET", `/api/stores/products/${productId}`), {
      product: { id: productId, storeId, name: "M", description: "", sku: "", price: 1 },
    });
  });

  it("literal segments win over parameters", async () => {
    const participating = await call("GET", "/api/stores/participating");
    expect(participating.status).toBe(200);
    expect(Object.keys(participating.body)).toStrictEqual(["stores"]);
    expect(Array.isArray(participating.body.stores)).toBe(true);

    // /api/stores/products/{id} is a product lookup, not the store "products".
    productNotFound(await call("GET", `/api/stores/products/${unknownId()}`));
    const storeId = await createStore("Literal", "Here");
    const productId = await addProduct(storeId, { name: "Lit", price: 4 });
    expectOk(await call("GET", `/api/stores/products/${productId}`), {
      product: { id: productId, storeId, name: "Lit", description: "", sku: "", price: 4 },
    });
    // ...and a store id never reaches the product routes.
    productNotFound(await call("GET", `/api/stores/products/${storeId}`));
    storeNotFound(await call("GET", `/api/stores/${productId}`));
  });

  it("unknown ids on every stores route → 404 with the exact texts", async () => {
    const id = unknownId();
    storeNotFound(await call("GET", `/api/stores/${id}`));
    storeNotFound(await call("PUT", `/api/stores/${id}/participating`, {}));
    storeNotFound(await call("DELETE", `/api/stores/${id}/participating`));
    storeNotFound(await call("PUT", `/api/stores/${id}/rebrand`, { name: "x" }));
    storeNotFound(await call("POST", `/api/stores/${id}/products`, { name: "x", price: 1 }));
    expectOk(await call("GET", `/api/stores/${id}/products`), { products: [] });
    productNotFound(await call("GET", `/api/stores/products/${id}`));
    productNotFound(await call("PUT", `/api/stores/products/${id}/rebrand`, { name: "x", description: "y" }));
    productNotFound(await call("PUT", `/api/stores/products/${id}/increasePrice`, { price: 1 }));
    productNotFound(await call("PUT", `/api/stores/products/${id}/decreasePrice`, { price: 1 }));
    productNotFound(await call("DELETE", `/api/stores/products/${id}`));
  });

  it("path ids are opaque strings (encoded characters, odd spellings)", async () => {
    for (const id of ["a%20b", "%E2%82%AC", "UPPER-CASE", "x.y_z-1", "0", "null", "undefined"]) {
      storeNotFound(await call("GET", `/api/stores/${id}`));
      productNotFound(await call("GET", `/api/stores/products/${id}`));
    }
    const storeId = await createStore("Opaque", "Here");
    // The same id in upper case names a different (non-existent) aggregate.
    storeNotFound(await call("GET", `/api/stores/${storeId.toUpperCase()}`));
  });

  it("a path id longer than 128 characters is simply unknown (SPEC §2.8)", async () => {
    for (const id of ["x".repeat(129), "x".repeat(10_000)]) {
      storeNotFound(await call("GET", `/api/stores/${id}`));
      storeNotFound(await call("PUT", `/api/stores/${id}/rebrand`, { name: "x" }));
      productNotFound(await call("PUT", `/api/stores/products/${id}/increasePrice`, { price: 1 }));
      expectOk(await call("GET", `/api/stores/${id}/products`), { products: [] });
    }
  });

  it("no route ever creates an aggregate from a path id", async () => {
    const s = unknownId();
    storeNotFound(await call("PUT", `/api/stores/${s}/rebrand`, { name: "Ghost" }));
    storeNotFound(await call("GET", `/api/stores/${s}`));
    storeNotFound(await call("PUT", `/api/stores/${s}/participating`, {}));
    storeNotFound(await call("GET", `/api/stores/${s}`));
    storeNotFound(await call("DELETE", `/api/stores/${s}/participating`));
    storeNotFound(await call("POST", `/api/stores/${s}/products`, { name: "Ghost product", price: 1 }));
    storeNotFound(await call("GET", `/api/stores/${s}`));
    // A rebrand that would have succeeded on an existing store still fails: nothing was created.
    storeNotFound(await call("PUT", `/api/stores/${s}/rebrand`, { name: "Ghost" }));

    const p = unknownId();
    productNotFound(await call("PUT", `/api/stores/products/${p}/rebrand`, { name: "Ghost", description: "" }));
    productNotFound(await call("PUT", `/api/stores/products/${p}/increasePrice`, { price: 5 }));
    productNotFound(await call("PUT", `/api/stores/products/${p}/decreasePrice`, { price: 0 }));
    productNotFound(await call("DELETE", `/api/stores/products/${p}`));
    productNotFound(await call("GET", `/api/stores/products/${p}`));
    productNotFound(await call("PUT", `/api/stores/products/${p}/increasePrice`, { price: 5 }));
  });
});

describe("X-Request-Id", () => {
  const validIds = ["abc", "A", "req-1.2_3", "a".repeat(128), "0123456789.-_ABCxyz"];
  const invalidIds = ["a".repeat(129), "a".repeat(500), "bad id", "bad/id", "semi;colon", 'quote"s', "a+b", "a:b", "{}", "tab\there", "bang!"];

  it("echoes a well-formed incoming id on success, errors and 404s", async () => {
    const storeId = await createStore("Ids", "Here");
    for (const id of validIds) {
      const replies = [
        await call("GET", "/liveness", undefined, { "x-request-id": id }),
        await call("GET", `/api/stores/${storeId}`, undefined, { "x-request-id": id }),
        await call("POST", "/api/stores", { name: "" }, { "x-request-id": id }),
        await call("GET", `/api/stores/${unknownId()}`, undefined, { "x-request-id": id }),
        await call("GET", "/no/such/route", undefined, { "x-request-id": id }),
        await call("POST", "/api/stores", "{oops", { "x-request-id": id }),
        await call("POST", "/api/stores", paddedStoreBody(65 * KiB), { "x-request-id": id }),
      ];
      expect(replies.map((r) => r.status)).toStrictEqual([200, 200, 400, 404, 404, 400, 413]);
      for (const r of replies) expect(r.headers.get("x-request-id")).toBe(id);
    }
  });

  it("replaces a malformed incoming id with a new UUID", async () => {
    for (const id of invalidIds) {
      const replies = [
        await call("GET", "/liveness", undefined, { "x-request-id": id }),
        await call("POST", "/api/stores", { name: "" }, { "x-request-id": id }),
        await call("GET", "/no/such/route", undefined, { "x-request-id": id }),
      ];
      for (const r of replies) {
        const echoed = r.headers.get("x-request-id");
        expect(echoed, id).toMatch(uuidV4);
        expect(echoed).not.toBe(id);
      }
    }
    const empty = await call("GET", "/liveness", undefined, { "x-request-id": "" });
    expect(empty.headers.get("x-request-id")).toMatch(uuidV4);
  });

  it("generates a fresh UUID per request when none is sent, on every kind of response", async () => {
    const replies = [
      await raw("GET", "/liveness"),
      await raw("HEAD", "/liveness"),
      await raw("GET", "/openapi.json"),
      await raw("GET", "/"),
      await raw("GET", "/api/stores"),
      await raw("GET", `/api/stores/${unknownId()}`),
      await raw("GET", "/nowhere"),
      await raw("POST", "/api/stores", { body: "[" }),
    ];
    const ids = replies.map((r) => r.headers.get("x-request-id"));
    for (const id of ids) expect(id).toMatch(uuidV4);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe("operational endpoints (SPEC §7)", () => {
  it("GET /liveness → 200 text/plain `.`", async () => {
    const reply = await raw("GET", "/liveness");
    expect(reply.status).toBe(200);
    expect(reply.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(reply.text).toBe(".");
  });

  it("HEAD /liveness → 200 text/plain, no body", async () => {
    const reply = await raw("HEAD", "/liveness");
    expect(reply.status).toBe(200);
    expect(reply.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(reply.text).toBe("");
  });

  it("GET /openapi.json is an OpenAPI 3.1 document titled MallBots covering every stores operation", async () => {
    const reply = await raw("GET", "/openapi.json");
    expect(reply.status).toBe(200);
    expect(reply.headers.get("content-type")).toMatch(/^application\/json/);
    const doc = reply.body as any;
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info.title).toBe("MallBots");
    expect(typeof doc.info.version).toBe("string");

    const operations = new Map<string, { method: string; path: string; op: any }>();
    for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        expect(operations.has(op.operationId), `duplicate operationId ${op.operationId}`).toBe(false);
        operations.set(op.operationId, { method, path, op });
      }
    }
    const expected: [string, string, string][] = [
      ["getStores", "get", "/api/stores"],
      ["getParticipatingStores", "get", "/api/stores/participating"],
      ["getStore", "get", "/api/stores/{id}"],
      ["getStoreProducts", "get", "/api/stores/{storeId}/products"],
      ["getProduct", "get", "/api/stores/products/{id}"],
      ["createStore", "post", "/api/stores"],
      ["enableParticipation", "put", "/api/stores/{id}/participating"],
      ["disableParticipation", "delete", "/api/stores/{id}/participating"],
      ["rebrandStore", "put", "/api/stores/{id}/rebrand"],
      ["addProduct", "post", "/api/stores/{storeId}/products"],
      ["rebrandProduct", "put", "/api/stores/products/{id}/rebrand"],
      ["increaseProductPrice", "put", "/api/stores/products/{id}/increasePrice"],
      ["decreaseProductPrice", "put", "/api/stores/products/{id}/decreasePrice"],
      ["removeProduct", "delete", "/api/stores/products/{id}"],
    ];
    for (const [operationId, method, path] of expected) {
      const found = operations.get(operationId);
      expect(found && { method: found.method, path: found.path }, operationId).toStrictEqual({ method, path });
      expect(found!.op.tags, operationId).toStrictEqual(["stores"]);
      // Every path parameter is declared.
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const declared = (found!.op.parameters ?? []).filter((p: any) => p.in === "path").map((p: any) => p.name);
      expect(declared, operationId).toStrictEqual(names);
      expect(JSON.stringify(found!.op.responses), operationId).toContain("#/components/schemas/Error");
    }
    expect(doc.tags.map((t: { name: string }) => t.name)).toContain("stores");

    const error = doc.components.schemas.Error;
    expect(error.type).toBe("object");
    expect(Object.keys(error.properties).sort()).toStrictEqual(["code", "details", "message"]);
    expect([...error.required].sort()).toStrictEqual(["code", "details", "message"]);
    expect(doc.components.securitySchemes.adminBearer).toMatchObject({ type: "http", scheme: "bearer" });

    // The documented shapes: Store and Product carry every field.
    const store = JSON.stringify(operations.get("getStore")!.op.responses["200"]);
    for (const field of ["id", "name", "location", "participating"]) expect(store).toContain(`"${field}"`);
    const product = JSON.stringify(operations.get("getProduct")!.op.responses["200"]);
    for (const field of ["id", "storeId", "name", "description", "sku", "price"]) expect(product).toContain(`"${field}"`);
    const addBody = JSON.stringify(operations.get("addProduct")!.op.requestBody);
    for (const field of ["name", "description", "sku", "price"]) expect(addBody).toContain(`"${field}"`);
  });

  it("GET / is an HTML page that renders /openapi.json", async () => {
    const reply = await raw("GET", "/");
    expect(reply.status).toBe(200);
    expect(reply.headers.get("content-type")).toMatch(/^text\/html/);
    expect(reply.text).toMatch(/^<!doctype html>/i);
    expect(reply.text).toContain("</html>");
    expect(reply.text).toContain("/openapi.json");
  });
});
