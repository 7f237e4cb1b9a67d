import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseUrl } from "./http";

/** The API explorer at / in a real browser: Swagger UI renders /openapi.json from same-origin files only. */
describe("API explorer in a browser", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("lists the operations under a strict CSP, loads nothing from another host, and tries an operation out against the same origin", async () => {
    const page = await browser.newPage();
    const origin = new URL(baseUrl()).origin;
    const foreign: string[] = [];
    const errors: string[] = [];
    page.on("request", (r) => {
      if (!r.url().startsWith(origin) && !r.url().startsWith("data:")) foreign.push(r.url());
    });
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) errors.push(m.text());
    });
    // The page must work under the strictest policy a secure-headers middleware could send.
    const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'";
    await page.route(`${origin}/`, async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, headers: { ...response.headers(), "content-security-policy": csp } });
    });
    await page.goto(`${baseUrl()}/`);
    await page.locator(".opblock").first().waitFor();
    const operationIds = await page.locator(".opblock-summary-operation-id").allTextContents();
    expect(operationIds).toEqual(expect.arrayContaining(["createStore", "getStores", "getBasket", "listDeadLetters", "liveness"]));
    expect(await page.locator(".opblock").count()).toBeGreaterThan(40);
    // admin routes take the bearer token through Authorize (the adminBearer scheme)
    await expect.poll(() => page.locator("#operations-admin-getSaga .authorization__btn").count()).toBe(1);

    // Try it out: GET /api/stores runs from the page and shows the live answer.
    const getStores = page.locator("#operations-stores-getStores");
    await getStores.locator(".opblock-summary").click();
    await getStores.getByRole("button", { name: "Try it out" }).click();
    const answer = page.waitForResponse((r) => r.url() === `${origin}/api/stores`);
    await getStores.getByRole("button", { name: "Execute" }).click();
    expect((await answer).status()).toBe(200);
    await expect.poll(() => getStores.locator(".live-responses-table tr.response .response-col_status").first().textContent()).toContain("200");

    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
