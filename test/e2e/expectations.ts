import { isDeepStrictEqual } from "node:util";
import { expect } from "vitest";
import { call, type Reply, waitFor } from "./http";

/** Server-generated ids are lower-case random UUID v4 strings (SPEC §2.1). */
export const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** An id nobody has created: random, so it is never an existing aggregate. */
export const unknownId = () => `unknown-${crypto.randomUUID()}`;

/** Asserts the exact error reply of SPEC §2.5: status, `{code, message, details: []}`, JSON, request id. */
export function expectError(reply: Reply, status: number, code: number, message: string): void {
  expect({ status: reply.status, body: reply.body }).toStrictEqual({ status, body: { code, message, details: [] } });
  expect(reply.headers.get("content-type") ?? "").toMatch(/^application\/json/);
  expect(reply.headers.get("x-request-id") ?? "").not.toBe("");
}

/** Asserts a successful JSON reply with exactly this body. */
export function expectOk(reply: Reply, body: unknown): void {
  expect({ status: reply.status, body: reply.body }).toStrictEqual({ status: 200, body });
  expect(reply.headers.get("content-type") ?? "").toMatch(/^application\/json/);
}

export const notFound = (reply: Reply) => expectError(reply, 404, 5, "Not Found");
export const storeNotFound = (reply: Reply) => expectError(reply, 404, 5, "store with that ID does not exist");
export const productNotFound = (reply: Reply) => expectError(reply, 404, 5, "product with that ID does not exist");
export const invalid = (reply: Reply, message: string) => expectError(reply, 400, 3, message);

/** Creates a store and returns its id (asserting the `{id}` create reply). */
export async function createStore(name = "Store", location = "Level 1"): Promise<string> {
  const reply = await call("POST", "/api/stores", { name, location });
  expect(reply.status).toBe(200);
  expect(Object.keys(reply.body)).toStrictEqual(["id"]);
  expect(reply.body.id).toMatch(uuidV4);
  return reply.body.id;
}

export interface ProductInput {
  name: string;
  description?: string;
  sku?: string;
  price?: number;
}

/** Adds a product to a store and returns its id. */
export async function addProduct(storeId: string, input: ProductInput): Promise<string> {
  const reply = await call("POST", `/api/stores/${storeId}/products`, input);
  expect(reply.status).toBe(200);
  expect(Object.keys(reply.body)).toStrictEqual(["id"]);
  expect(reply.body.id).toMatch(uuidV4);
  return reply.body.id;
}

/**
 * Polls the eventually consistent read side until `read()` deep-equals `expected`; on timeout the error
 * shows the last value seen.
 */
export async function eventuallyEqual<T>(read: () => Promise<T>, expected: T, what: string, timeoutMs = 15_000): Promise<void> {
  await waitFor(
    async () => {
      const actual = await read();
      if (isDeepStrictEqual(actual, expected)) return true;
      throw new Error(`last seen ${JSON.stringify(actual)}; expected ${JSON.stringify(expected)}`);
    },
    what,
    { timeoutMs },
  );
}
