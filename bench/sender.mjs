// The bench's HTTP over node:http: the load generator's keep-alive loops (bench/load.mjs) and the setup and
// polling client (apiClient in bench/scenarios.mjs).
import http from "node:http";

/** One attempt: resolves { status, text? }, or rejects { error, resettable }. */
function attempt(url, { method, headers, payload, agent, timeoutMs, keepText }) {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = http.request(url, { method, headers, agent }, (res) => {
      answered = true;
      const keep = keepText(res.statusCode);
      const chunks = [];
      if (keep) res.on("data", (c) => chunks.push(c));
      else res.resume();
      res.on("end", () => resolve({ status: res.statusCode, text: keep ? Buffer.concat(chunks).toString("utf8") : undefined }));
      res.on("error", fail);
    });
    // a kept-alive socket the server closed before answering: it never read the request
    const fail = (error) => reject({ error, resettable: req.reusedSocket && !answered && ["ECONNRESET", "EPIPE"].includes(error.code) });
    if (timeoutMs) req.setTimeout(timeoutMs, () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on("error", fail);
    req.end(payload ?? undefined);
  });
}

/**
 * One request; resolves { status, text?, resentAfter? } and rejects with the network error. A request whose
 * kept-alive socket was reset before any answer (workerd closes a connection whose next request it has not
 * read within 5 s, e.g. when its one thread is saturated) is sent once more on a new connection, as Node's
 * documentation advises for `req.reusedSocket`; `resentAfter` then holds the reset's message.
 * `keepText(status)` says whether the body is read into `text` (default: always).
 */
export async function request(url, { method = "GET", headers = {}, payload = null, agent, timeoutMs = 0, keepText = () => true }) {
  const options = { method, headers, payload, agent, timeoutMs, keepText };
  try {
    return await attempt(url, options);
  } catch ({ error, resettable }) {
    if (!resettable) throw error;
    const again = await attempt(url, { ...options, agent: false }).catch((failure) => Promise.reject(failure.error));
    return { ...again, resentAfter: error.message };
  }
}

/**
 * The load generator's client: keep-alive sockets to the local system only. send() resolves { status, body?,
 * resent? } (status 0 = network error or timeout; the body is kept only for non-2xx).
 */
export function sender(baseUrl, concurrency, timeoutMs) {
  const url = new URL(baseUrl);
  if (url.protocol !== "http:" || url.hostname !== "127.0.0.1") throw new Error(`refusing to load ${baseUrl}: only http://127.0.0.1 targets`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
  const keepText = (status) => status < 200 || status > 299;
  const send = ({ method, path, body }) => {
    const payload = body === undefined ? null : Buffer.from(typeof body === "string" ? body : JSON.stringify(body));
    const headers = payload ? { "content-type": "application/json", "content-length": payload.length } : {};
    return request(new URL(path, url), { method, headers, payload, agent, timeoutMs, keepText }).then(
      ({ status, text, resentAfter }) => ({ status, body: text?.slice(0, 300), ...(resentAfter === undefined ? {} : { resent: true }) }),
      (error) => ({ status: 0, body: String(error.message ?? error) }),
    );
  };
  return { send, close: () => agent.destroy() };
}
