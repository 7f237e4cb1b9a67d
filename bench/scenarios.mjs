// Benchmark scenarios for `npm run bench` (scripts/bench.mjs drives them, bench/load.mjs fires them).
//
// A scenario is { name, description, readOnly?, maxRequests?, setup?(api) → state, request(state, i) → {method, path, body?} }.
// - maxRequests caps the measured requests of a write scenario: each write fans out to up to four queues,
//   and the local queue simulator delivers a backlog without any concurrency limit (each in-flight delivery
//   holds a socket), so an unbounded burst can exhaust the machine's file descriptors (bench/README.md).
// - setup runs ONCE per scenario in the orchestrator (before any concurrency level) against the running
//   system; whatever it returns must be JSON-serializable, because it is handed to the load process.
// - request runs in the load process for every request; i counts 0, 1, 2, … across the whole run
//   (warm-up included), so `state.ids[i % state.ids.length]` gives round-robin over a set of ids.
// - readOnly: true skips the "settle" step after each measurement (waiting for queues and projections
//   fed by the writes to drain, so one scenario's background work does not bleed into the next).
// To add a row (baskets, order sagas, …), append an object to `scenarios`.
import http from "node:http";
import { searchConfig, seedSearch } from "./search.mjs";
import { request } from "./sender.mjs";

// workerd closes a keep-alive connection after 5 s idle and sends no Keep-Alive hint; fetch (undici) keeps
// idle sockets for 4 s on a coarse timer, so on a busy machine it reused sockets the server was closing and
// setup requests failed with ECONNRESET ("fetch failed"). This client's sockets close after 2 s idle.
const agent = new http.Agent({ keepAlive: true, timeout: 2000 });

/** Requests sent again because the server closed their kept-alive socket first (reported by the bench). */
export const resent = { count: 0, samples: [] };

/**
 * One request to baseUrl; resolves { status, text } (network errors reject, naming the request). A request
 * sent again after its kept-alive socket was reset (bench/sender.mjs) is counted in `resent`. (workerd's log
 * showed none of those requests handled, so sending them again creates nothing twice.)
 */
async function send(baseUrl, method, path, { body, headers = {} } = {}) {
  const payload = body === undefined ? null : Buffer.from(JSON.stringify(body));
  const all = payload ? { ...headers, "content-type": "application/json", "content-length": payload.length } : headers;
  try {
    const { status, text, resentAfter } = await request(new URL(path, baseUrl), { method, headers: all, payload, agent });
    if (resentAfter !== undefined) {
      resent.count++;
      if (resent.samples.length < 5) resent.samples.push(`${method} ${path}: ${resentAfter}`);
    }
    return { status, text };
  } catch (error) {
    throw new Error(`${method} ${path}: ${error.message}`, { cause: error });
  }
}

/**
 * A tiny JSON client for setup code: get/post/put/del throw on non-2xx with the response body;
 * request(method, path, { body, headers }) resolves { status, text } whatever the status.
 */
export function apiClient(baseUrl) {
  const call = async (method, path, body) => {
    const { status, text } = await send(baseUrl, method, path, { body });
    if (status < 200 || status > 299) throw new Error(`${method} ${path} → ${status} ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : {};
  };
  return {
    baseUrl,
    request: (method, path, options) => send(baseUrl, method, path, options),
    get: (path) => call("GET", path),
    post: (path, body) => call("POST", path, body ?? {}),
    put: (path, body) => call("PUT", path, body ?? {}),
    del: (path) => call("DELETE", path),
  };
}

/** Runs fn(0..n-1) with at most `width` in flight; returns the results in order. */
export async function parallel(n, width, fn) {
  const out = new Array(n);
  let next = 0;
  const lane = async () => {
    while (next < n) {
      const i = next++;
      out[i] = await fn(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, n) }, lane));
  return out;
}

/** Polls check() until it returns something other than undefined. */
export async function eventually(check, { timeoutMs = 30_000, intervalMs = 100, what = "condition" } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${last.message ?? last}` : ""}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export async function createStore(api, name = "Bench Store") {
  const { id } = await api.post("/api/stores", { name, location: "Bench Mall" });
  return id;
}

/** Creates a store with n products; returns { storeId, productIds }. */
export async function storeWithProducts(api, n, { width = 8, label = "Bench" } = {}) {
  const storeId = await createStore(api, `${label} Store`);
  const productIds = await parallel(n, width, async (i) => {
    const { id } = await api.post(`/api/stores/${storeId}/products`, {
      name: `${label} Product ${i}`,
      description: `product ${i}`,
      sku: `SKU-${i}`,
      price: 1 + (i % 50),
    });
    return id;
  });
  return { storeId, productIds };
}

/** Waits until the catalog read model lists at least `count` products of the store. */
export async function waitForCatalog(api, storeId, count, timeoutMs = 60_000) {
  return eventually(
    async () => {
      const { products } = await api.get(`/api/stores/${storeId}/products`);
      return products.length >= count ? products.length : undefined;
    },
    { timeoutMs, what: `the catalog of store ${storeId} to list ${count} products` },
  );
}

const rebrand = (id, i) => ({
  method: "PUT",
  path: `/api/stores/products/${id}/rebrand`,
  body: { name: `Bench Product r${i}`, description: `rebranded ${i}` },
});

/** Measured requests per cell for writes that fan out to several queues (see maxRequests above). */
const writeCap = 1500;

export const scenarios = [
  {
    name: "liveness",
    description: "GET /liveness (the runtime's ceiling)",
    readOnly: true,
    request: () => ({ method: "GET", path: "/liveness" }),
  },
  {
    name: "create-store",
    maxRequests: writeCap,
    description: "POST /api/stores (a new Store aggregate per request)",
    request: (_state, i) => ({ method: "POST", path: "/api/stores", body: { name: `Bench Store ${i}`, location: "Bench Mall" } }),
  },
  {
    name: "rebrand-many",
    maxRequests: writeCap,
    description: "PUT /api/stores/products/{id}/rebrand, round-robin over 200 products",
    setup: async (api) => ({ ids: (await storeWithProducts(api, 200, { label: "Many" })).productIds }),
    request: (state, i) => rebrand(state.ids[i % state.ids.length], i),
  },
  {
    name: "rebrand-hot",
    maxRequests: writeCap,
    description: "PUT /api/stores/products/{id}/rebrand, all on one product",
    setup: async (api) => ({ id: (await storeWithProducts(api, 1, { label: "Hot" })).productIds[0] }),
    request: (state, i) => rebrand(state.id, i),
  },
  {
    name: "additem-many",
    description: "PUT /api/baskets/{id}/addItem, round-robin over 200 baskets and 20 products",
    setup: async (api) => {
      const { storeId, productIds } = await storeWithProducts(api, 20, { label: "Basket" });
      await waitForCatalog(api, storeId, 20);
      const basketIds = await parallel(200, 8, async () => (await api.post("/api/baskets", { customerId: "bench" })).id);
      return { basketIds, productIds };
    },
    request: (state, i) => ({
      method: "PUT",
      path: `/api/baskets/${state.basketIds[i % state.basketIds.length]}/addItem`,
      body: { productId: state.productIds[i % state.productIds.length], quantity: 1 },
    }),
  },
  {
    name: "additem-hot",
    description: "PUT /api/baskets/{id}/addItem, all on one basket",
    setup: async (api) => {
      const { storeId, productIds } = await storeWithProducts(api, 20, { label: "Hot basket" });
      await waitForCatalog(api, storeId, 20);
      return { basketId: (await api.post("/api/baskets", { customerId: "bench" })).id, productIds };
    },
    request: (state, i) => ({
      method: "PUT",
      path: `/api/baskets/${state.basketId}/addItem`,
      body: { productId: state.productIds[i % state.productIds.length], quantity: 1 },
    }),
  },
  {
    name: "list-products",
    description: "GET /api/stores/{storeId}/products, a store with 20 products (D1 read model)",
    readOnly: true,
    setup: async (api) => {
      const { storeId } = await storeWithProducts(api, 20, { label: "Listed" });
      await waitForCatalog(api, storeId, 20);
      return { storeId };
    },
    request: (state) => ({ method: "GET", path: `/api/stores/${state.storeId}/products` }),
  },
  {
    name: "search-customer",
    description: `POST /api/search/orders by customerId (first page of 20), ${searchConfig.orders} orders of ${searchConfig.customers} customers seeded through the queues`,
    readOnly: true,
    setup: (api) => seedSearch(api),
    request: (state, i) => ({
      method: "POST",
      path: "/api/search/orders",
      body: { filters: { customerId: state.customerIds[i % state.customerIds.length] } },
    }),
  },
  {
    name: "search-store",
    description: "POST /api/search/orders by one storeId (first page of 20), same seed",
    readOnly: true,
    setup: (api) => seedSearch(api),
    request: (state, i) => ({ method: "POST", path: "/api/search/orders", body: { filters: { storeIds: [state.storeIds[i % state.storeIds.length]] } } }),
  },
];

/**
 * After write load: waits until a fresh probe write has travelled the whole pipeline (aggregate →
 * outbox relay → queue → projection into D1), i.e. the backlog queued before it has drained.
 */
export async function settle(api, timeoutMs = 60_000) {
  const { storeId } = await storeWithProducts(api, 1, { label: "Probe" });
  await waitForCatalog(api, storeId, 1, timeoutMs);
}
