import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { root } from "../../scripts/local.mjs";
import { expectOk } from "./expectations";
import { e2eVars } from "./global-setup";
import { baseUrl } from "./http";
import {
  addItem,
  addProduct,
  authorizePayment,
  checkout,
  createStore,
  registerCustomer,
  startBasket,
  waitForSagaDone,
} from "./ordering-flows";
import { type OwnSystem, startOwnSystem, waitFor } from "./system";

/**
 * The /admin explorer (SPEC §7) in headless Chromium against an own system with an ADMIN_TOKEN. The
 * notifications consumer is stalled (STALL_QUEUES), so every message to notifications dead-letters
 * after its deliveries: that is where the dead letters to replay and discard come from.
 */

const token = "admin-ui-token";
const admin = { authorization: `Bearer ${token}` };
let system: OwnSystem;
let browser: Browser;
/** Every URL the pages requested: all must be on the system's own origin. */
const requested: string[] = [];

beforeAll(async () => {
  system = await startOwnSystem({ ...e2eVars, ADMIN_TOKEN: token, ALLOW_TEST_FAULTS: "true", STALL_QUEUES: "notifications" }, "mallbots-admin-ui-");
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
});
afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

async function openAdmin(base = system.base): Promise<Page> {
  const page = await browser.newPage();
  page.on("request", (r) => requested.push(r.url()));
  page.on("pageerror", (error) => requested.push(`pageerror: ${error.message}`));
  await page.goto(`${base}/admin`);
  return page;
}

async function signIn(page: Page, value = token): Promise<void> {
  await page.locator("#token").fill(value);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function signedInPage(): Promise<Page> {
  const page = await openAdmin();
  await signIn(page);
  await poll(() => page.locator("#tools").isVisible()).toBe(true);
  return page;
}

/** Waits (polling the page) until the value matches; no fixed sleeps. */
const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 15_000, interval: 100 });
const textOf = (page: Page, selector: string) => () => page.locator(selector).textContent();

it("asks for the token, refuses a wrong one, and keeps the right one for the tab only", async () => {
  const page = await openAdmin();
  expect(await page.locator("#tools").isVisible()).toBe(false);
  await signIn(page, "wrong");
  await poll(textOf(page, "#status")).toBe("The admin token was refused: enter it again.");
  expect(await page.locator("#login").isVisible()).toBe(true);
  expect(await page.evaluate(() => sessionStorage.getItem("mallbots.adminToken"))).toBeNull();

  await signIn(page);
  await poll(textOf(page, "#status")).toBe("Signed in.");
  expect(await page.locator("#tools").isVisible()).toBe(true);
  expect(await page.locator("#login").isVisible()).toBe(false);
  expect(await page.evaluate(() => [sessionStorage.getItem("mallbots.adminToken"), localStorage.length])).toStrictEqual([token, 0]);
  // a reload of the same tab stays signed in
  await page.reload();
  await poll(() => page.locator("#tools").isVisible()).toBe(true);
  await page.close();
});

it("says the admin API is disabled on a system without ADMIN_TOKEN", async () => {
  const page = await openAdmin(baseUrl());
  await signIn(page, "anything");
  await poll(textOf(page, "#status")).toBe("The admin API is disabled: this Worker has no ADMIN_TOKEN.");
  expect(await page.locator("#tools").isVisible()).toBe(false);
  await page.close();
});

it("shows a store's stream: version, name, payload, metadata and occurredAt of each event", async () => {
  const store = await createStore(system.call, "Corner Shop", "Level 2");
  expectOk(await system.call("PUT", `/api/stores/${store}/rebrand`, { name: "Corner Shop Deluxe" }), {});
  const page = await signedInPage();

  await page.locator("#stream-name").selectOption("stores.Store");
  await page.locator("#stream-id").fill(store);
  await page.getByRole("button", { name: "Show events" }).click();
  const rows = page.locator("#stream-out tbody tr");
  await poll(() => rows.count()).toBe(2);
  const cells = async (i: number) => (await rows.nth(i).locator("td").allTextContents()).map((t) => t.trim());
  const [created, rebranded] = [await cells(0), await cells(1)];
  expect(created.slice(0, 2)).toStrictEqual(["1", "stores.StoreCreated"]);
  expect(created[2]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  expect(JSON.parse(created[3]!)).toStrictEqual({ name: "Corner Shop", location: "Level 2" });
  expect(JSON.parse(created[4]!)).toEqual(expect.any(Object));
  expect(rebranded.slice(0, 2)).toStrictEqual(["2", "stores.StoreRebranded"]);
  expect(JSON.parse(rebranded[3]!)).toStrictEqual({ name: "Corner Shop Deluxe" });
  expect(await page.locator("#stream-out p").textContent()).toBe(`stores.Store ${store}: version 2, snapshot at 0`);

  // an unknown id is an error the page shows
  await page.locator("#stream-id").fill("no-such-store");
  await page.getByRole("button", { name: "Show events" }).click();
  await poll(textOf(page, "#status")).toBe("404: stream with that ID does not exist");
  expect(await page.locator("#status").getAttribute("class")).toBe("error");
  // a blank id is refused in the page (its route would be an unmatched 404, not a missing stream)
  await page.locator("#stream-id").fill("   ");
  await page.getByRole("button", { name: "Show events" }).click();
  await poll(textOf(page, "#status")).toBe("Enter the stream's ID.");
  await page.close();
});

it("shows the saga of an order: its state and history", async () => {
  const call = system.call;
  const store = await createStore(call, "Store ABC", "The mall");
  const product = await addProduct(call, store, { name: "Product ABC", price: 10.49 });
  const customer = await registerCustomer(call, "Ann", "555-555-1212");
  const basket = await startBasket(call, customer);
  await addItem(call, basket, product, 2);
  await checkout(call, basket, await authorizePayment(call, customer, 20.98));
  const saga = await waitForSagaDone(call, basket, token);
  const page = await signedInPage();

  await page.locator("#saga-id").fill(basket);
  await page.getByRole("button", { name: "Show saga" }).click();
  await poll(textOf(page, '#saga-out dd[data-field="status"]')).toBe(saga.status);
  expect(await page.locator('#saga-out dd[data-field="id"]').textContent()).toBe(basket);
  expect(await page.locator('#saga-out dd[data-field="done"]').textContent()).toBe("true");
  const history = page.locator("#saga-out tbody tr");
  expect(await history.count()).toBe(saga.history.length);
  expect((await history.nth(0).locator("td").allTextContents()).slice(1, 4)).toStrictEqual(["1", "command", "customersapi.AuthorizeCustomer"]);
  await page.close();
});

it("lists dead letters by context and page, shows, replays (replayCount 1) and discards them", async () => {
  const call = system.call;
  const customers = [await registerCustomer(call, "Bo", "555-0001"), await registerCustomer(call, "Cy", "555-0002")];
  // each registration's message to the stalled notifications consumer dies after its deliveries
  type Letter = { id: string; messageId: string; name: string; envelope: { payload: { id?: string } } };
  const [first, second] = await waitFor(
    async () => {
      const reply = await call("GET", "/api/admin/dead-letters?context=notifications&limit=100", undefined, admin);
      expect(reply.status).toBe(200);
      const letters = customers.map((c) =>
        (reply.body.deadLetters as Letter[]).find((d) => d.name === "customersapi.CustomerRegistered" && d.envelope.payload.id === c),
      );
      const [a, b] = letters;
      return a && b ? ([a, b] as const) : undefined;
    },
    "the CustomerRegistered dead letters",
    { timeoutMs: 40_000, intervalMs: 250 },
  );
  const page = await signedInPage();

  // one per page: the pages can be walked both ways
  await page.locator("#dl-context").selectOption("notifications");
  await page.locator("#dl-limit").fill("1");
  await page.getByRole("button", { name: "List", exact: true }).click();
  await poll(textOf(page, "#dl-out > p:first-child")).toBe("Page 1: 1 dead letter(s).");
  await page.getByRole("button", { name: "Next page" }).click();
  await poll(textOf(page, "#dl-out > p:first-child")).toBe("Page 2: 1 dead letter(s).");
  await page.getByRole("button", { name: "Previous page" }).click();
  await poll(textOf(page, "#dl-out > p:first-child")).toBe("Page 1: 1 dead letter(s).");

  // all of them on one page; every row is a notifications dead letter
  await page.locator("#dl-limit").fill("100");
  await page.getByRole("button", { name: "List", exact: true }).click();
  const row = (messageId: string) => page.locator("#dl-out tbody tr", { hasText: messageId });
  await poll(() => row(first.messageId).count()).toBe(1);
  const contextCells = await page.locator("#dl-out tbody tr td:nth-child(2)").allTextContents();
  expect(new Set(contextCells)).toStrictEqual(new Set(["notifications"]));

  await row(first.messageId).getByRole("button", { name: "Show" }).click();
  await poll(textOf(page, '#dl-detail dd[data-field="messageId"]')).toBe(first.messageId);
  const envelope = JSON.parse((await page.locator("#dl-detail pre").textContent())!);
  expect(envelope).toMatchObject({ id: first.messageId, name: "customersapi.CustomerRegistered", payload: { id: customers[0] } });
  expect(await page.locator('#dl-detail dd[data-field="replayCount"]').textContent()).toBe("0");

  await row(first.messageId).getByRole("button", { name: "Replay" }).click();
  await poll(textOf(page, '#dl-detail dd[data-field="replayCount"]')).toBe("1");
  expect(await row(first.messageId).locator("td.replays").textContent()).toBe("1");
  expect(await page.locator('#dl-detail dd[data-field="replayedAt"]').textContent()).not.toBe("never");
  const replayed = await call("GET", `/api/admin/dead-letters/${first.id}`, undefined, admin);
  expect(replayed.body.deadLetter.replayCount).toBe(1);

  // a screenshot of the explorer for people (test-results/ is not committed)
  mkdirSync(join(root, "test-results"), { recursive: true });
  await page.screenshot({ path: join(root, "test-results/admin-ui.png"), fullPage: true });

  page.once("dialog", (dialog) => void dialog.accept());
  await row(second.messageId).getByRole("button", { name: "Discard" }).click();
  await poll(() => row(second.messageId).count()).toBe(0);
  expect((await call("GET", `/api/admin/dead-letters/${second.id}`, undefined, admin)).status).toBe(404);

  await page.close();
});

it("rebuilds a read model, counting the rows until next is empty", async () => {
  const page = await signedInPage();
  const [{ n } = { n: 0 }] = await system.query<{ n: number }>("STORES_DB", "SELECT COUNT(*) AS n FROM streams");
  expect(n).toBeGreaterThan(1);

  const calls: string[] = [];
  page.on("request", (r) => (r.url().endsWith("/api/admin/read-models/stores/rebuild") ? calls.push(r.postData() ?? "") : undefined));

  // one id per call: the page repeats the call with the returned next until it is ""
  await page.locator("#rebuild-context").selectOption("stores");
  await page.locator("#rebuild-batch").fill("1");
  await page.getByRole("button", { name: "Rebuild" }).click();
  await poll(textOf(page, "#rebuild-out")).toBe(`Rebuilt stores: ${n} rows. Done.`);
  expect(calls.length).toBeGreaterThanOrEqual(n);
  expect(JSON.parse(calls[0]!)).toStrictEqual({ next: "", batchSize: 1 });
  expect(JSON.parse(calls[1]!).next).not.toBe("");
  expect(await page.getByRole("button", { name: "Rebuild" }).isEnabled()).toBe(true);
  // the rebuilt read model still lists the stores
  const stores = await system.call("GET", "/api/stores");
  expect(stores.body.stores.map((s: { name: string }) => s.name)).toEqual(expect.arrayContaining(["Corner Shop Deluxe", "Store ABC"]));
  await page.close();
});

it("requested nothing from any other origin, and no page script failed", () => {
  const base = system.base;
  const global = baseUrl();
  expect(requested.filter((url) => !url.startsWith(`${base}/`) && !url.startsWith(`${global}/`))).toStrictEqual([]);
  expect(requested.length).toBeGreaterThan(0);
});
