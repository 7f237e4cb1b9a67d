import type { Context, Hono } from "hono";
import { z } from "zod";
import { unwrap } from "./errors";
import { type AppEnv, causeOf, parseBody, validate } from "./http";
import { aggregate, type AggregateObjectLike, type CommandOf } from "./objects";

type Method = "get" | "post" | "put" | "delete";

/** The path parameters of an OpenAPI-style path: `"/api/stores/{id}"` → `{ id: string }`. */
export type PathParams<P extends string> = P extends `${string}{${infer K}}${infer Rest}` ? { [key in K]: string } & PathParams<Rest> : {};

export interface RouteInput<B, Q, P = Record<string, string>> {
  params: P;
  body: B;
  query: Q;
}

/** One REST endpoint: its contract (for OpenAPI) and its handler, in one place. */
export interface Route<E extends object = any, B = any, Q = any, P extends string = string> {
  method: Method;
  /** OpenAPI-style path, e.g. `/api/stores/{id}`. */
  path: P;
  operationId: string;
  tag: string;
  summary: string;
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  response: z.ZodType;
  admin?: boolean;
  /** Executes a command on the aggregate its path names, which may answer a concurrency conflict (409). */
  writes?: boolean;
  /** An unknown id in the path answers an empty result rather than 404. */
  emptyForUnknownIds?: boolean;
  /** Error statuses the handler answers beyond those derived from the definition (see `errorStatuses`). */
  errors?: readonly (400 | 404)[];
  /** Answers other than 200 and the errors, with their own body (e.g. readiness's 503). */
  otherResponses?: Readonly<Record<number, { description: string; schema: z.ZodType }>>;
  handle(c: Context<AppEnv<E>>, input: RouteInput<B, Q, PathParams<P>>): Promise<unknown>;
}

/** Route builder for one Worker environment: `const route = routeFor<Env>()`; body, query and path parameters are typed. */
export const routeFor =
  <E extends object>() =>
  <P extends string, BS extends z.ZodType = z.ZodType<undefined>, QS extends z.ZodType = z.ZodType<undefined>>(
    def: Omit<Route<E, z.output<BS>, z.output<QS>, P>, "body" | "query"> & { body?: BS; query?: QS },
  ): Route<E> =>
    def as unknown as Route<E>;

/**
 * REST commands on the aggregate named by the path's `{id}`, answering `{}`. The binding comes first, so
 * the command type is known when the command is written:
 * `const storeCommand = commandRouteFor<Env>()((env) => env.STORE)`, then `storeCommand({..., command: (body) => …})`.
 */
export const commandRouteFor =
  <E extends object>() =>
  <O extends AggregateObjectLike>(target: (env: E) => DurableObjectNamespace<O>) =>
  <P extends string, BS extends z.ZodType = z.ZodType<undefined>>(def: {
    method: "post" | "put" | "delete";
    /** Must name the aggregate as `{id}`. */
    path: PathParams<P> extends { id: string } ? P : never;
    operationId: string;
    tag: string;
    summary: string;
    body?: BS;
    /** Statuses beyond the derived ones, e.g. `[400]` for a business rule of a command without a body. */
    errors?: readonly (400 | 404)[];
    command: (body: z.output<BS>) => CommandOf<O>;
  }): Route<E> =>
    routeFor<E>()({
      method: def.method,
      path: def.path as `{id}`,
      operationId: def.operationId,
      tag: def.tag,
      summary: def.summary,
      body: def.body,
      writes: true,
      errors: def.errors,
      response: z.object({}),
      handle: async (c, { params, body }) => {
        unwrap(await aggregate(target(c.env), params.id).execute(def.command(body as z.output<BS>), causeOf(c)));
        return {};
      },
    });

/** Registers routes on the app; literal paths must come before parameter paths (SPEC §2.4). */
export function mount<E extends object>(app: Hono<AppEnv<E>>, routes: readonly Route<E>[]): void {
  for (const r of routes) {
    const honoPath = r.path.replace(/\{(\w+)\}/g, ":$1");
    app.on(r.method.toUpperCase(), honoPath, async (c) => {
      const body = r.body ? await parseBody(c.req.raw, r.body) : undefined;
      const query = r.query ? validate(r.query, c.req.query(), "query") : undefined;
      const result = await r.handle(c, { params: c.req.param() as Record<string, string>, body, query });
      return c.json(result as object);
    });
  }
}

/** Inlined as components.schemas.Error; an id would make toJSONSchema emit a `#/$defs/Error` ref that does not resolve. */
export const errorSchema = z.object({ code: z.number().int(), message: z.string(), details: z.array(z.unknown()) });

/**
 * The error statuses an operation can answer (SPEC §2.4, §2.5), derived from its definition:
 * 400 for a body or a query; 401 and 404 (API disabled) for admin routes; 404 for an id in the path; 409 where
 * the path's aggregate is written; 413 for a body; 500 for any operation; plus the route's own `errors`.
 */
export function errorStatuses(r: Route): number[] {
  const statuses = new Set<number>([...(r.errors ?? []), 500]);
  if (r.body || r.query) statuses.add(400);
  if (r.admin) statuses.add(401).add(404);
  if (/\{\w+\}/.test(r.path) && !r.emptyForUnknownIds) statuses.add(404);
  if (r.writes) statuses.add(409);
  if (r.body) statuses.add(413);
  return [...statuses].sort((a, b) => a - b);
}

const errorDescriptions: Record<number, string> = {
  400: "Invalid request or a broken business rule",
  401: "Missing or wrong admin token",
  404: "Unknown id, or the admin API is disabled",
  409: "The aggregate was modified concurrently",
  413: "Body larger than 64 KiB",
  500: "Internal error",
};

const jsonSchema = (schema: z.ZodType, io: "input" | "output") =>
  z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Record<string, unknown> & { properties?: unknown };

/** OpenAPI 3.1 document generated from the route definitions (SPEC §7). */
export function openApiDocument(routes: readonly Route[], tags: readonly string[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const params = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: "path",
      required: true,
      schema: { type: "string" },
    }));
    const queryParams = r.query
      ? Object.entries((jsonSchema(r.query, "input").properties ?? {}) as Record<string, unknown>).map(([name, schema]) => ({
          name,
          in: "query",
          required: false,
          schema,
        }))
      : [];
    const errors = Object.fromEntries(
      errorStatuses(r).map((status) => [
        String(status),
        { description: errorDescriptions[status], content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
      ]),
    );
    paths[r.path] ??= {};
    paths[r.path]![r.method] = {
      operationId: r.operationId,
      tags: [r.tag],
      summary: r.summary,
      parameters: [...params, ...queryParams],
      ...(r.body
        ? { requestBody: { required: false, content: { "application/json": { schema: jsonSchema(r.body, "input") } } } }
        : {}),
      responses: {
        "200": { description: "OK", content: { "application/json": { schema: jsonSchema(r.response, "output") } } },
        ...errors,
        ...Object.fromEntries(
          Object.entries(r.otherResponses ?? {}).map(([status, { description, schema }]) => [
            status,
            { description, content: { "application/json": { schema: jsonSchema(schema, "output") } } },
          ]),
        ),
      },
      ...(r.admin ? { security: [{ adminBearer: [] }] } : {}),
    };
  }
  paths["/liveness"] = {
    get: {
      operationId: "liveness",
      tags: ["operations"],
      summary: "Liveness: answers while the Worker runs",
      responses: { "200": { description: "OK", content: { "text/plain": { schema: { type: "string", const: "." } } } } },
    },
  };
  return {
    openapi: "3.1.0",
    info: { title: "MallBots", version: "1.0.0" },
    tags: [...tags, "operations"].map((name) => ({ name })),
    paths,
    components: {
      schemas: { Error: jsonSchema(errorSchema, "output") },
      securitySchemes: { adminBearer: { type: "http", scheme: "bearer" } },
    },
  };
}
