import { Agent, setGlobalDispatcher } from "undici";

/**
 * Every e2e request opens its own connection. workerd's local HTTP server now and then closes a kept-alive
 * connection just as the client reuses it (more often the busier the machine); a POST caught that way fails
 * with "other side closed" and is not retried. Miniflare's own dispatchFetch avoids reuse for the same reason.
 */
setGlobalDispatcher(new Agent({ pipelining: 0 }));
