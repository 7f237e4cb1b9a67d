// `npm run busywork -- --url URL --clients N --seconds S`: simulated store owners, customers, bots and
// paying customers drive a running MallBots through its public API only, until the time or request budget
// is spent. A progress line goes to stderr every second; the last line on stdout is
//   busywork: <requests> requests, <errors> errors, <orders> orders completed
// Expected business errors (a list another bot took first, a price change raced by another owner, an
// order that is no longer pending, a read model or invoice not there yet) are counted apart from errors.
// Exit status: 0, 1 if any unexpected error happened (non-2xx not expected, timeout, network), 2 on bad usage.
import { parseArgs } from "node:util";

const usage = `usage: npm run busywork -- [--url URL] [--clients N] [--seconds S] [--max-requests N] [--until-orders N] [--timeout-ms MS] [--pause-ms MS]
  --url           the system to drive (default http://127.0.0.1:8787, the local server)
  --clients       concurrent simulated clients, each taking any role (default 4)
  --seconds       how long to run at most (default 30)
  --max-requests  stop after this many requests (default 100000)
  --until-orders  stop early once this many orders completed (default: run the whole time)
  --timeout-ms    per-request timeout; a timeout counts as an error (default 10000)
  --pause-ms      pause between two actions of a client (default 0)`;

function fail(message) {
  process.stderr.write(`busywork: ${message}\n${usage}\n`);
  process.exit(2);
}

let options;
try {
  ({ values: options } = parseArgs({
    options: {
      url: { type: "string", default: "http://127.0.0.1:8787" },
      clients: { type: "string", default: "4" },
      seconds: { type: "string", default: "30" },
      "max-requests": { type: "string", default: "100000" },
      "until-orders": { type: "string", default: "0" },
      "timeout-ms": { type: "string", default: "10000" },
      "pause-ms": { type: "string", default: "0" },
      help: { type: "boolean", short: "h", default: false },
    },
  }));
} catch (error) {
  fail(error.message);
}
if (options.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
function number(name, min, max) {
  const value = Number(options[name]);
  if (!Number.isFinite(value) || value < min || value > max) fail(`--${name} must be a number in ${min}..${max}, got "${options[name]}"`);
  return value;
}
const clients = Math.floor(number("clients", 1, 256));
const seconds = number("seconds", 0.1, 86_400);
const maxRequests = Math.floor(number("max-requests", 1, 100_000_000));
const untilOrders = Math.floor(number("until-orders", 0, 100_000_000));
const timeoutMs = number("timeout-ms", 1, 600_000);
const pauseMs = number("pause-ms", 0, 60_000);
let base;
try {
  base = new URL(options.url).origin;
} catch {
  fail(`--url is not a URL: "${options.url}"`);
}

// ---- statistics ----
const stats = { requests: 0, errors: 0, expected: 0, orders: 0, latencies: [] };
const shownErrors = 10;
const percentile = (sorted, p) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]);

function unexpected(what) {
  stats.errors++;
  if (stats.errors <= shownErrors) report(`unexpected: ${what}`);
  else if (stats.errors === shownErrors + 1) report("unexpected: (further errors are counted, not shown)");
}

/**
 * One request. `expected` lists the business errors this call may meet as [status, message]
 * (message "" matches any message). Returns { status, body } with status 0 on a network error or timeout.
 */
async function call(method, path, body, expected = []) {
  stats.requests++;
  const started = performance.now();
  try {
    const res = await fetch(base + path, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    stats.latencies.push(performance.now() - started);
    let parsed;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
    if (res.ok) return { status: res.status, body: parsed };
    const message = typeof parsed === "object" && parsed !== null ? parsed.message : undefined;
    if (expected.some(([status, m]) => status === res.status && (m === "" || m === message))) stats.expected++;
    else unexpected(`${method} ${path} → ${res.status} ${text.slice(0, 200)}`);
    return { status: res.status, body: parsed };
  } catch (error) {
    stats.latencies.push(performance.now() - started);
    unexpected(`${method} ${path} → ${error.name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : error.message}`);
    return { status: 0, body: undefined };
  }
}

// ---- the simulated world, shared by every client ----
const world = {
  stores: [], // { id }
  products: [], // { id, storeId, cents }
  customers: [], // id
  orders: new Set(), // ids of orders this run checked out and still follows
  toPay: [], // { orderId, notBefore }: the bot completed its list; the invoice is coming
  toConfirm: [], // { orderId, notBefore }: paid; waiting to see the order completed
};
const pick = (xs) => xs[Math.floor(Math.random() * xs.length)];
const cents = (n) => n / 100;
const later = (ms) => Date.now() + ms;
const conflict = [409, ""]; // code 10: the aggregate was modified concurrently; a client would retry
let serial = 0;

async function createStore() {
  const n = ++serial;
  const { status, body } = await call("POST", "/api/stores", { name: `Busy Store ${n}`, location: `Level ${n % 4}` });
  if (status === 200) world.stores.push({ id: body.id });
}

async function addProduct() {
  const store = pick(world.stores);
  const price = 100 + Math.floor(Math.random() * 5_000);
  const n = ++serial;
  const { status, body } = await call("POST", `/api/stores/${store.id}/products`, { name: `Busy Product ${n}`, description: "busywork", sku: `BW-${n}`, price: cents(price) });
  if (status === 200) world.products.push({ id: body.id, storeId: store.id, cents: price });
}

async function changePrice() {
  const product = pick(world.products);
  const up = Math.random() < 0.5;
  const step = 1 + Math.floor(Math.random() * 200);
  const next = up ? product.cents + step : Math.max(0, product.cents - step);
  // two owners may change the same price at once: the second can see its change turn the wrong way
  const raced = [400, up ? "the price change would be a decrease" : "the price change would be an increase"];
  const { status } = await call("PUT", `/api/stores/products/${product.id}/${up ? "increasePrice" : "decreasePrice"}`, { price: cents(next) }, [raced, conflict]);
  if (status === 200) product.cents = next;
}

async function rebrand() {
  const n = ++serial;
  if (Math.random() < 0.5) await call("PUT", `/api/stores/${pick(world.stores).id}/rebrand`, { name: `Busy Store ${n} (new)` }, [conflict]);
  else await call("PUT", `/api/stores/products/${pick(world.products).id}/rebrand`, { name: `Busy Product ${n} (new)`, description: "rebranded" }, [conflict]);
}

async function registerCustomer() {
  const n = ++serial;
  const { status, body } = await call("POST", "/api/customers", { name: `Busy Customer ${n}`, smsNumber: `555-${String(n).padStart(4, "0")}` });
  if (status === 200) world.customers.push(body.id);
}

/** A customer's visit: basket, items, maybe a removal, payment, checkout; some cancel the basket or the order. */
async function shop() {
  const customerId = pick(world.customers);
  const started = await call("POST", "/api/baskets", { customerId });
  if (started.status !== 200) return;
  const basketId = started.body.id;
  let total = 0;
  const lines = 1 + Math.floor(Math.random() * 3);
  const chosen = [];
  for (let i = 0; i < lines; i++) {
    const product = pick(world.products);
    const quantity = 1 + Math.floor(Math.random() * 3);
    const added = await call("PUT", `/api/baskets/${basketId}/addItem`, { productId: product.id, quantity }, [conflict]);
    if (added.status === 200) {
      chosen.push(product);
      total += product.cents * quantity;
    }
  }
  if (chosen.length > 0 && Math.random() < 0.2) {
    await call("PUT", `/api/baskets/${basketId}/removeItem`, { productId: pick(chosen).id, quantity: 1 }, [conflict]);
  }
  if (chosen.length === 0 || Math.random() < 0.1) {
    await call("DELETE", `/api/baskets/${basketId}`, undefined, [conflict]);
    return;
  }
  const payment = await call("POST", "/api/payments", { customerId, amount: cents(total) });
  if (payment.status !== 200) return;
  // a removal may have emptied the basket
  const checkout = await call("PUT", `/api/baskets/${basketId}/checkout`, { paymentId: payment.body.id }, [[400, "baskets checkout: the basket has no items"], conflict]);
  if (checkout.status !== 200) return;
  world.orders.add(basketId);
  if (Math.random() < 0.05) {
    // the order may not exist yet (404), or the saga may have approved it already (400)
    const canceled = await call("DELETE", `/api/ordering/${basketId}`, undefined, [
      [404, "order with that ID does not exist"],
      [400, "the order cannot be cancelled"],
      conflict,
    ]);
    if (canceled.status === 200) world.orders.delete(basketId);
  }
}

/** A bot takes an available list of an order this run placed (other clients' lists are left alone), then completes it. */
async function runBot(botId) {
  const mine = [];
  let next = "";
  for (let page = 0; page < 5; page++) {
    const res = await call("GET", `/api/depot/shopping?status=available&limit=100&next=${encodeURIComponent(next)}`);
    if (res.status !== 200) return;
    mine.push(...res.body.shoppingLists.filter((l) => world.orders.has(l.orderId)));
    next = res.body.next;
    if (mine.length > 0 || next === "") break;
  }
  if (mine.length === 0) return false;
  const list = pick(mine);
  // the board is eventually consistent and other bots race for the same list
  const assigned = await call("PUT", `/api/depot/shopping/${list.id}/assign`, { botId }, [[400, "the shopping list cannot be assigned"], conflict]);
  if (assigned.status !== 200) return true;
  // a customer canceling the order mid-saga makes the saga cancel the list, even once assigned
  const completed = await call("PUT", `/api/depot/shopping/${list.id}/complete`, {}, [[400, "the shopping list cannot be completed"], conflict]);
  if (completed.status === 200) world.toPay.push({ orderId: list.orderId, notBefore: later(50) });
  return true;
}

const due = (queue) => {
  const i = queue.findIndex((t) => t.notBefore <= Date.now());
  return i < 0 ? undefined : queue.splice(i, 1)[0];
};

/** The customer pays the invoice once the order is ready (the invoice appears asynchronously). */
async function pay(task) {
  const invoice = await call("GET", `/api/payments/invoices/${task.orderId}`, undefined, [[404, "invoice with that ID does not exist"]]);
  if (invoice.status === 404) return void world.toPay.push({ ...task, notBefore: later(100) });
  if (invoice.status !== 200) return;
  if (invoice.body.invoice.status !== "pending") return void world.orders.delete(task.orderId);
  const paid = await call("PUT", `/api/payments/invoices/${task.orderId}/pay`, {}, [conflict]);
  if (paid.status === 200) world.toConfirm.push({ orderId: task.orderId, notBefore: later(50) });
}

/** Counts an order once the customer sees it completed. */
async function confirm(task) {
  const order = await call("GET", `/api/ordering/${task.orderId}`);
  if (order.status !== 200) return;
  if (order.body.order.status === "completed") {
    stats.orders++;
    world.orders.delete(task.orderId);
  } else world.toConfirm.push({ ...task, notBefore: later(100) });
}

// ---- clients ----
const deadline = Date.now() + seconds * 1000;
let stopping = false;
const running = () =>
  !stopping && Date.now() < deadline && stats.requests < maxRequests && (untilOrders === 0 || stats.orders < untilOrders);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Weighted choice of the next action from what the world allows now. */
function nextAction(botId) {
  if (world.stores.length < 2) return createStore;
  if (world.products.length < 4) return addProduct;
  if (world.customers.length < 2) return registerCustomer;
  const payTask = due(world.toPay);
  if (payTask) return () => pay(payTask);
  const confirmTask = due(world.toConfirm);
  if (confirmTask) return () => confirm(confirmTask);
  const choices = [
    [createStore, 0.2],
    [addProduct, 0.5],
    [changePrice, 1],
    [rebrand, 0.5],
    [registerCustomer, 0.3],
    [shop, 2.5],
    [() => runBot(botId), world.orders.size > 0 ? 2.5 : 0],
  ];
  let r = Math.random() * choices.reduce((s, [, w]) => s + w, 0);
  for (const [action, weight] of choices) if ((r -= weight) < 0) return action;
  return shop;
}

async function client(n) {
  const botId = `busy-bot-${n}`;
  while (running()) {
    const result = await nextAction(botId)();
    // a bot that found nothing to take waits a moment instead of polling the board hot
    if (result === false) await sleep(50);
    if (pauseMs > 0) await sleep(pauseMs);
  }
}

// ---- progress ----
const tty = process.stderr.isTTY;
let shownProgress = false;
function report(line) {
  if (tty && shownProgress) process.stderr.write("\r\x1b[2K");
  process.stderr.write(`${line}\n`);
  shownProgress = false;
}
function progress() {
  const sorted = Float64Array.from(stats.latencies).sort();
  const elapsed = Math.min(seconds, (Date.now() - (deadline - seconds * 1000)) / 1000);
  const line = `busywork ${elapsed.toFixed(0)}s: ${stats.requests} requests, ${stats.errors} errors, ${stats.expected} expected rejections, ` +
    `${stats.orders} orders completed, p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms`;
  if (tty) {
    process.stderr.write(`\r\x1b[2K${line}`);
    shownProgress = true;
  } else process.stderr.write(`${line}\n`);
}

for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => (stopping = true));
const ticker = setInterval(progress, 1000);
await Promise.all(Array.from({ length: clients }, (_, i) => client(i + 1)));
clearInterval(ticker);
progress();
if (tty) process.stderr.write("\n");
process.stdout.write(`busywork: ${stats.requests} requests, ${stats.errors} errors, ${stats.orders} orders completed\n`);
process.exitCode = stats.errors > 0 ? 1 : 0;
