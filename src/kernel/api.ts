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
    command: (body: z.output<BS>) => CommandOf<O>;
  }): Route<E> =>
    routeFor<E>()({
      method: def.method,
      path: def.path as `{id}`,
      operationId: def.operationId,
      tag: def.tag,
      summary: def.summary,
      body: def.body,
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
    const error = { description: "Error", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };
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
        default: error,
      },
      ...(r.admin ? { security: [{ adminBearer: [] }] } : {}),
    };
  }
  return {
    openapi: "3.1.0",
    info: { title: "MallBots", version: "1.0.0" },
    tags: tags.map((name) => ({ name })),
    paths,
    components: {
      schemas: { Error: jsonSchema(errorSchema, "output") },
      securitySchemes: { adminBearer: { type: "http", scheme: "bearer" } },
    },
  };
}
