import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, expect, it } from "vitest";
import { sender } from "../../bench/sender.mjs";

/**
 * bench/sender.mjs: a request whose kept-alive connection the server resets before answering is sent once
 * more on a new connection (and counted), as workerd does when its one thread is saturated; any other
 * network failure stays an error.
 */
let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** A server that answers the first request of each connection and resets the connection on the next one. */
async function resettingServer(resetFirstRequests = false): Promise<{ url: string; connections: () => number }> {
  let connections = 0;
  server = createServer((req, res) => {
    const socket = req.socket as typeof req.socket & { served?: number };
    socket.served = (socket.served ?? 0) + 1;
    if (socket.served > 1 || resetFirstRequests) {
      socket.resetAndDestroy();
      return;
    }
    res.end("ok");
  });
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connections: () => connections };
}

it("sends a request again on a new connection when its kept-alive connection is reset before an answer", async () => {
  const { url, connections } = await resettingServer();
  const { send, close } = sender(url, 1, 5_000);
  expect(await send({ method: "POST", path: "/a", body: { n: 1 } })).toEqual({ status: 200, body: undefined });
  expect(await send({ method: "POST", path: "/b", body: { n: 2 } })).toEqual({ status: 200, body: undefined, resent: true });
  expect(connections()).toBe(2);
  close();
});

it("counts a reset of a new connection as an error, without sending again", async () => {
  const { url, connections } = await resettingServer(true);
  const { send, close } = sender(url, 1, 5_000);
  const answer = await send({ method: "GET", path: "/" });
  expect(answer.status).toBe(0);
  expect(answer.resent).toBeUndefined();
  expect(answer.body).toMatch(/ECONNRESET|socket hang up/);
  expect(connections()).toBe(1);
  close();
});
