import type { Context, Hono, MiddlewareHandler } from "hono";
import { z } from "zod";
import { DomainError, errorBody, httpStatus, invalidRequest } from "./errors";
import type { Cause } from "./envelope";
import { configureLog, log, logError } from "./log";

export const maxBodyBytes = 64 * 1024;
/** JSON nesting a body may have (SPEC §2.8); the outermost object is level 1. */
export const maxBodyDepth = 32;
const requestIdPattern = /^[A-Za-z0-9._-]{1,128}$/;

export type AppEnv<B extends object = object> = { Bindings: B; Variables: { requestId: string } };

/** X-Request-Id of SPEC §2.4: echoed when well-formed, otherwise a new UUID. */
export const requestId: MiddlewareHandler<AppEnv> = async (c, next) => {
  const incoming = c.req.header("x-request-id");
  const id = incoming && requestIdPattern.test(incoming) ? incoming : crypto.randomUUID();
  c.set("requestId", id);
  await next();
  c.res.headers.set("X-Request-Id", id);
};

/**
 * One log line per request (SPEC §7): `info` below 500, `error` for a 500. The path is logged without
 * its query string, and no header is, so no credential reaches the log. Registered after `requestId`.
 */
export const requestLog: MiddlewareHandler<AppEnv<{ LOG_LEVEL?: string }>> = async (c, next) => {
  configureLog(c.env ?? {});
  const started = Date.now();
  await next();
  const status = c.res.status;
  log(status >= 500 ? "error" : "info", "request", {
    requestId: c.get("requestId"),
    method: c.req.method,
    path: c.req.path,
    status,
    ms: Date.now() - started,
  });
};

/** The request becomes the correlation and causation id of everything it causes. */
export const causeOf = (c: Context<AppEnv<any>>): Cause => {
  const id = c.get("requestId");
  return { correlationId: id, causationId: id };
};

export class BodyTooLarge extends DomainError {
  constructor() {
    super(3, "invalid request: body too large");
  }
}

/**
 * Reads the rest of a refused body without keeping it. Answering before the client has finished
 * sending makes `wrangler dev`'s proxy fail the request with a 503 instead of passing our 413 on.
 */
async function discard(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  try {
    while (!(await reader.read()).done);
  } catch {}
}

/** Keeps at most 64 KiB of the body; an empty body is `{}`. */
export async function readJson(req: Request): Promise<unknown> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (!req.body) {
    if (declared > maxBodyBytes) throw new BodyTooLarge();
    return {};
  }
  const reader = req.body.getReader();
  if (declared > maxBodyBytes) {
    await discard(reader);
    throw new BodyTooLarge();
  }
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBodyBytes) {
      await discard(reader);
      throw new BodyTooLarge();
    }
    parts.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.byteLength;
  }
  const textBody = new TextDecoder().decode(bytes);
  if (textBody.trim() === "") return {};
  try {
    return JSON.parse(textBody);
  } catch {
    throw invalidRequest("body is not valid JSON");
  }
}

/** Whether `value` nests objects and arrays deeper than `limit` levels; walks with a stack, not recursion. */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  const pending: [unknown, number][] = [[value, 1]];
  for (let item = pending.pop(); item; item = pending.pop()) {
    const [node, depth] = item;
    if (node === null || typeof node !== "object") continue;
    if (depth > limit) return true;
    for (const child of Object.values(node)) pending.push([child, depth + 1]);
  }
  return false;
}

/** Accepts snake_case spellings of every field (SPEC §2.4); the camelCase spelling wins. */
export function camelizeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelizeKeys);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  const entries = Object.entries(value as Record<string, unknown>);
  for (const [key, v] of entries) {
    const camel = key.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());
    if (camel !== key && Object.prototype.hasOwnProperty.call(value, camel)) continue;
    out[camel] = camelizeKeys(v);
  }
  return out;
}

/** Validates input against a zod schema; the first issue names the field in the 400. */
export function validate<S extends z.ZodType>(schema: S, input: unknown, fallbackDetail = "body"): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path.map(String).join(".");
  throw invalidRequest(path || fallbackDetail);
}

export async function parseBody<S extends z.ZodType>(req: Request, schema: S): Promise<z.output<S>> {
  const raw = await readJson(req);
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw invalidRequest("body");
  if (nestedDeeperThan(raw, maxBodyDepth)) throw invalidRequest("body");
  return validate(schema, camelizeKeys(raw));
}

/** The one mapping from errors to responses (SPEC §2.5); no stack trace leaves the Worker. */
export function installErrorHandling(app: Hono<AppEnv<any>>): void {
  app.notFound((c) => c.json(errorBody({ code: 5, message: "Not Found" }), 404));
  app.onError((error, c) => {
    // A refused body is 413 although its code is 3 (SPEC §2.4).
    if (error instanceof BodyTooLarge) return c.json(errorBody(error.toInfo()), 413);
    if (error instanceof DomainError) return c.json(errorBody(error.toInfo()), httpStatus(error.code));
    logError("request failed", error, {
      requestId: c.get("requestId"),
      method: c.req.method,
      path: c.req.path,
    });
    return c.json(errorBody({ code: 13, message: "internal error" }), 500);
  });
}
