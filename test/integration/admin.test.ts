import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { buildApp } from "../../src/app";
import type { Envelope } from "../../src/kernel/envelope";
import { eventually } from "./helpers";

const auth = { authorization: "Bearer test-admin-token" };
const admin = async (method: string, path: string, headers: Record<string, string | undefined> = auth) => {
  const res = await SELF.fetch(`http://mallbots${path}`, { method, headers: headers as Record<string, string> });
  return { status: res.status, body: (await res.json()) as any };
};

describe("admin authentication", () => {
  it("hides the admin API when ADMIN_TOKEN is unset", async () => {
    const res = await buildApp().fetch(new Request("http://mallbots/api/admin/dead-letters"), { ...env, ADMIN_TOKEN: undefined });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ code: 5, message: "Not Found", details: [] });
  });

  it("answers 401 without a token or with a wrong one", async () => {
    for (const headers of [{}, { authorization: "Bearer nope" }, { authorization: "test-admin-token" }]) {
      const { status, body } = await admin("GET", "/api/admin/dead-letters", headers);
      expect(status).toBe(401);
      expect(body).toEqual({ code: 16, message: "unauthenticated", details: [] });
    }
  });
});

describe("streams", () => {
  it("reads an aggregate's events with its version and snapshot version", async () => {
    const created = await SELF.fetch("http://mallbots/api/stores", { method: "POST", body: JSON.stringify({ name: "A", location: "L" }) });
    const { id } = (await created.json()) as { id: string };
    await SELF.fetch(`http://mallbots/api/stores/${id}/rebrand`, { method: "PUT", body: JSON.stringify({ name: "B" }) });
    const { status, body } = await admin("GET", `/api/admin/streams/stores.Store/${id}/events?fromVersion=2&limit=10`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ streamName: "stores.Store", streamId: id, version: 2, snapshotVersion: 0 });
    expect(body.events).toHaveLength(1);
    expect(body.events[0]).toMatchObject({ version: 2, name: "stores.StoreRebranded", payload: { name: "B" } });
  });

  it("rejects unknown aggregate names and unknown streams", async () => {
    expect(await admin("GET", "/api/admin/streams/nope.Thing/x/events")).toEqual({
      status: 400,
      body: { code: 3, message: "invalid request: aggregateName", details: [] },
    });
    expect(await admin("GET", `/api/admin/streams/stores.Product/${crypto.randomUUID()}/events`)).toEqual({
      status: 404,
      body: { code: 5, message: "stream with that ID does not exist", details: [] },
    });
    expect((await admin("GET", "/api/admin/streams/stores.Store/x/events?limit=abc")).body.message).toBe("invalid request: limit");
  });
});

describe("dead letters", () => {
  it("lists, shows, replays and discards a dead letter", async () => {
    // a store whose StoreCreated event never reached the read model
    const res = await SELF.fetch("http://mallbots/api/stores", { method: "POST", body: JSON.stringify({ name: "Lost", location: "L" }) });
    const { id: storeId } = (await res.json()) as { id: string };
    const envelope: Envelope = {
      id: crypto.randomUUID(),
      name: "stores.StoreCreated",
      payload: { name: "Lost", location: "L" },
      metadata: { correlationId: "c", causationId: "c", aggregateName: "stores.Store", aggregateId: storeId, aggregateVersion: 1 },
      occurredAt: new Date().toISOString(),
    };
    const id = crypto.randomUUID();
    await env.OPS_DB.prepare(
      "INSERT INTO dead_letters (id, context, message_id, name, envelope, attempts, last_error, dead_lettered_at) VALUES (?, 'stores', ?, ?, ?, 5, 'boom', ?)",
    )
      .bind(id, envelope.id, envelope.name, JSON.stringify(envelope), new Date().toISOString())
      .run();

    const list = await admin("GET", "/api/admin/dead-letters?context=stores&limit=100");
    expect(list.status).toBe(200);
    expect(list.body.deadLetters.find((d: { id: string }) => d.id === id)).toMatchObject({
      id,
      context: "stores",
      messageId: envelope.id,
      name: "stores.StoreCreated",
      envelope,
      attempts: 5,
      lastError: "boom",
      replayedAt: "",
      replayCount: 0,
    });
    expect((await admin("GET", "/api/admin/dead-letters?context=baskets")).body).toEqual({ deadLetters: [], next: "" });

    expect((await admin("POST", `/api/admin/dead-letters/${id}/replay`)).status).toBe(200);
    const shown = await admin("GET", `/api/admin/dead-letters/${id}`);
    expect(shown.body.deadLetter.replayCount).toBe(1);
    expect(shown.body.deadLetter.replayedAt).not.toBe("");
    // the replayed message is handled (or skipped by the inbox if it already ran): the store is in the mall
    await eventually(() => env.STORES_DB.prepare("SELECT 1 AS x FROM stores WHERE id = ?").bind(storeId).first().then((r) => r ?? undefined));

    expect(await admin("DELETE", `/api/admin/dead-letters/${id}`)).toEqual({ status: 200, body: {} });
    for (const [method, path] of [
      ["GET", `/api/admin/dead-letters/${id}`],
      ["DELETE", `/api/admin/dead-letters/${id}`],
      ["POST", `/api/admin/dead-letters/${id}/replay`],
    ] as const) {
      expect(await admin(method, path)).toEqual({ status: 404, body: { code: 5, message: "dead letter with that ID does not exist", details: [] } });
    }
  });

  it("pages newest first with an opaque cursor and rejects a malformed one", async () => {
    const at = (i: number) => new Date(Date.UTC(2020, 0, 1, 0, 0, i)).toISOString();
    for (let i = 0; i < 5; i++) {
      await env.OPS_DB.prepare(
        "INSERT INTO dead_letters (id, context, message_id, name, envelope, attempts, last_error, dead_lettered_at) VALUES (?, 'search', ?, 'x', '{}', 5, '', ?)",
      )
        .bind(`page-${i}`, `m-${i}`, at(i))
        .run();
    }
    const seen: string[] = [];
    let next = "";
    do {
      const page = await admin("GET", `/api/admin/dead-letters?context=search&limit=2&next=${encodeURIComponent(next)}`);
      seen.push(...page.body.deadLetters.map((d: { id: string }) => d.id));
      next = page.body.next;
    } while (next !== "");
    expect(seen).toEqual(["page-4", "page-3", "page-2", "page-1", "page-0"]);
    expect((await admin("GET", "/api/admin/dead-letters?next=garbage!")).body).toEqual({ code: 3, message: "invalid request: next", details: [] });
  });
});
