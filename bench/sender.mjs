// The load generator's HTTP client (bench/load.mjs): keep-alive node:http sockets to the local system only.
import http from "node:http";

export function sender(baseUrl, concurrency, timeoutMs) {
  const url = new URL(baseUrl);
  if (url.protocol !== "http:" || url.hostname !== "127.0.0.1") throw new Error(`refusing to load ${baseUrl}: only http://127.0.0.1 targets`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
  const port = Number(url.port || 80);
  /**
   * Resolves { status, body?, resent } (status 0 = network error/timeout); the body is kept only for non-2xx.
   * A request whose kept-alive socket was reset before any answer (workerd closes a connection whose next
   * request it has not read within 5 s, which happens when its one thread is saturated) is sent once more on
   * a new connection, as Node's documentation advises for `req.reusedSocket`; `resent` counts it.
   */
  const send = (request) =>
    sendOnce(request, agent).then((r) =>
      r.resetBeforeAnswer ? sendOnce(request, false).then(({ status, body }) => ({ status, body, resent: true })) : r,
    );
  const sendOnce = ({ method, path, body }, via) =>
    new Promise((resolve) => {
      const payload = body === undefined ? null : Buffer.from(typeof body === "string" ? body : JSON.stringify(body));
      const headers = payload ? { "content-type": "application/json", "content-length": payload.length } : {};
      let done = false;
      let answered = false;
      const finish = (r) => {
        if (!done) {
          done = true;
          resolve(r);
        }
      };
      const req = http.request({ host: "127.0.0.1", port, method, path, agent: via, headers }, (res) => {
        answered = true;
        const ok = res.statusCode >= 200 && res.statusCode < 300;
        const chunks = [];
        if (ok) res.resume();
        else res.on("data", (c) => chunks.length < 4 && chunks.push(c));
        res.on("end", () => finish({ status: res.statusCode, body: ok ? undefined : Buffer.concat(chunks).toString("utf8").slice(0, 300) }));
        res.on("error", (e) => finish({ status: 0, body: String(e.message ?? e) }));
      });
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
      req.on("error", (e) => {
        const reset = e.code === "ECONNRESET" || e.message === "socket hang up";
        finish({ status: 0, body: String(e.message ?? e), resetBeforeAnswer: reset && req.reusedSocket && !answered });
      });
      if (payload) req.end(payload);
      else req.end();
    });
  return { send, close: () => agent.destroy() };
}
