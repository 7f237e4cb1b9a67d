import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/** A request the webhook received. */
export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  at: number;
}

/** What the webhook answers to one request: a status, after an optional delay. */
export type Answer = { status: number; delayMs?: number };

export interface Webhook {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  received: Received[];
  /** Decides the answer for requests whose path has no behaviour of its own (default 200). */
  answer: (request: Received) => Answer;
  close(): Promise<void>;
}

/**
 * A real SMS webhook on 127.0.0.1 and a free port, recording every POST. Paths choose a behaviour,
 * so tests inside workerd can steer it by URL alone:
 * - `/status/<code>` answers that status;
 * - `/fail-first/<n>/<name>` answers 503 to the first n requests of each Idempotency-Key, then 200;
 * - `/slow/<ms>` answers 200 after ms milliseconds;
 * - any other path answers what `answer` says.
 * `GET /received?key=<Idempotency-Key>` lists what arrived with that key (`?path=` filters by path prefix).
 */
export async function startWebhook(): Promise<Webhook> {
  const received: Received[] = [];
  const hook: Webhook = { url: "", received, answer: () => ({ status: 200 }), close: async () => {} };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://webhook");
      if (req.method === "GET" && url.pathname === "/received") {
        const key = url.searchParams.get("key");
        const prefix = url.searchParams.get("path") ?? "";
        const list = received.filter((r) => (key === null || r.headers["idempotency-key"] === key) && r.path.startsWith(prefix));
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(list));
        return;
      }
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {}
      const request: Received = { path: url.pathname, headers: req.headers, body, at: Date.now() };
      received.push(request);
      const answer = answerFor(request, received) ?? hook.answer(request);
      const send = () => {
        if (!res.destroyed) res.writeHead(answer.status, { "content-type": "application/json" }).end("{}");
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  hook.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  hook.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return hook;
}

function answerFor(request: Received, received: Received[]): Answer | undefined {
  const [, kind, arg] = request.path.split("/");
  if (kind === "status") return { status: Number(arg) };
  if (kind === "slow") return { status: 200, delayMs: Number(arg) };
  if (kind === "fail-first") {
    const key = request.headers["idempotency-key"];
    const seen = received.filter((r) => r.path === request.path && r.headers["idempotency-key"] === key).length;
    return { status: seen <= Number(arg) ? 503 : 200 };
  }
  return undefined;
}
