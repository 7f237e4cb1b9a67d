import { inject } from "vitest";

/** A small client for the running system. */
export const baseUrl = () => inject("baseUrl");

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** An HTTP client bound to one running system (the global one, or a file's own instance). */
export type Call = <T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<Reply<T>>;

export function clientAt(base: string): Call {
  return async (method, path, body, headers = {}) => {
    const res = await fetch(base + path, {
      method,
      headers: { "content-type": "application/json", ...headers },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {}
    return { status: res.status, body: parsed as any, headers: res.headers };
  };
}

/** The client of the system global-setup started. */
export const call: Call = (method, path, body, headers) => clientAt(baseUrl())(method, path, body, headers);

/** Thrown by a poll check to fail at once instead of waiting for the deadline (an unexpected state). */
export class Unexpected extends Error {}

/**
 * Polls `check` until it returns a value other than undefined. An `Unexpected` error (e.g. a
 * terminal status that is not the awaited one) fails at once; other errors are retried until the
 * deadline and then reported with the last state seen.
 */
export async function waitFor<T>(
  check: () => Promise<T | undefined>,
  what: string,
  { timeoutMs = 20_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      if (error instanceof Unexpected) throw new Error(`while waiting for ${what}: ${error.message}`);
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
