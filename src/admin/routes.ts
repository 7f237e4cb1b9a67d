import type { MiddlewareHandler } from "hono";
import { z } from "zod";
import type { Env } from "../env";
import { routeFor } from "../kernel/api";
import { Code, DomainError, errorBody, invalidRequest, notFound, unwrap } from "../kernel/errors";
import { decode } from "../../queues/consumer";
import { type AppEnv, causeOf } from "../kernel/http";
import { bindingNamed } from "../kernel/bindings";
import { anyAggregate } from "../kernel/objects";
import { pageLimit, queryInt, queryText } from "../kernel/paging";
import { tooLongForAnId } from "../kernel/path-ids";
import { sagaInstance } from "../kernel/saga";
import { readModels, sagaBindings, streamBindings } from "../modules";
import { defaultRebuildBatch, maxRebuildBatch, rebuildBatch } from "../kernel/rebuild";
import { contexts, queueBinding } from "../../queues/topology";
import { deleteDeadLetter, findDeadLetter, listDeadLetters, markReplayed } from "./readmodel";

const tag = "admin";
const route = routeFor<Env>();

/** A Durable Object namespace by its binding name, as the modules declare it. */
const namespace = (env: Env, binding: string) => bindingNamed<DurableObjectNamespace>(env, binding)!;
/** The create-order saga is the one saga the admin API shows (SPEC §7). */
const sagaBinding = sagaBindings.get("cosec.CreateOrder")!;

/** Bearer auth of SPEC §7: no ADMIN_TOKEN → the admin API does not exist (404). */
export const adminAuth: MiddlewareHandler<AppEnv<Env>> = async (c, next) => {
  const token = c.env.ADMIN_TOKEN;
  if (!token) return c.json(errorBody({ code: Code.NotFound, message: "Not Found" }), 404);
  // the scheme is case-insensitive (RFC 9110 §11.1)
  const given = /^bearer +(.*)$/is.exec(c.req.header("authorization") ?? "")?.[1] ?? "";
  if (!(await sameSecret(given, token))) {
    return c.json(errorBody({ code: Code.Unauthenticated, message: "unauthenticated" }), 401, { "WWW-Authenticate": "Bearer" });
  }
  await next();
};

/** Constant-time comparison: both sides are hashed so neither length nor content leaks through timing. */
async function sameSecret(a: string, b: string): Promise<boolean> {
  const digest = async (s: string) => new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(s)));
  const [x, y] = await Promise.all([digest(a), digest(b)]);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i]! ^ y[i]!;
  return diff === 0;
}

const deadLetterSchema = z.object({
  id: z.string(),
  context: z.string(),
  messageId: z.string(),
  name: z.string(),
  envelope: z.unknown(),
  attempts: z.number(),
  lastError: z.string(),
  deadLetteredAt: z.string(),
  replayedAt: z.string(),
  replayCount: z.number(),
});

const deadLetterNotFound = () => notFound("dead letter with that ID does not exist");

export const adminRoutes = [
  route({
    method: "get",
    path: "/api/admin/streams/{aggregateName}/{id}/events",
    operationId: "getStreamEvents",
    tag,
    admin: true,
    summary: "Read an aggregate's event stream",
    query: z.object({ fromVersion: queryInt(), limit: queryInt() }),
    response: z.object({
      streamName: z.string(),
      streamId: z.string(),
      version: z.number(),
      snapshotVersion: z.number(),
      events: z.array(
        z.object({ version: z.number(), eventId: z.string(), name: z.string(), payload: z.unknown(), metadata: z.unknown(), occurredAt: z.string() }),
      ),
    }),
    handle: async (c, { params, query }) => {
      const { aggregateName, id } = params;
      const binding = streamBindings.get(aggregateName);
      if (!binding) throw invalidRequest("aggregateName");
      if (tooLongForAnId(id)) throw notFound("stream with that ID does not exist");
      const page = unwrap(
        await anyAggregate(namespace(c.env, binding), id).history(Math.max(1, query.fromVersion), pageLimit(query.limit, 100, 1000)),
      );
      if (page.version === 0) throw notFound("stream with that ID does not exist");
      return { streamName: aggregateName, streamId: id, ...page };
    },
  }),
  route({
    method: "get",
    path: "/api/admin/sagas/{id}",
    operationId: "getSaga",
    tag,
    admin: true,
    summary: "The full state of the create-order saga of an order",
    response: z.object({ saga: z.record(z.string(), z.unknown()) }),
    handle: async (c, { params }) => {
      if (tooLongForAnId(params.id)) throw notFound("saga with that ID does not exist");
      return { saga: unwrap(await sagaInstance(namespace(c.env, sagaBinding), params.id).get()) };
    },
  }),
  route({
    method: "get",
    path: "/api/admin/dead-letters",
    operationId: "listDeadLetters",
    tag,
    admin: true,
    summary: "List dead letters, newest first",
    query: z.object({ context: queryText(), limit: queryInt(), next: queryText() }),
    response: z.object({ deadLetters: z.array(deadLetterSchema), next: z.string() }),
    handle: async (c, { query }) => listDeadLetters(c.env.OPS_DB, query.context, pageLimit(query.limit, 50), query.next),
  }),
  route({
    method: "get",
    path: "/api/admin/dead-letters/{id}",
    operationId: "getDeadLetter",
    tag,
    admin: true,
    summary: "Get one dead letter",
    response: z.object({ deadLetter: deadLetterSchema }),
    handle: async (c, { params }) => {
      const deadLetter = await findDeadLetter(c.env.OPS_DB, params.id);
      if (!deadLetter) throw deadLetterNotFound();
      return { deadLetter };
    },
  }),
  route({
    method: "post",
    path: "/api/admin/dead-letters/{id}/replay",
    operationId: "replayDeadLetter",
    errors: [400], // an envelope or context that cannot be replayed
    tag,
    admin: true,
    summary: "Send the original envelope (same message id) to its context's queue again",
    response: z.object({}),
    handle: async (c, { params }) => {
      const deadLetter = await findDeadLetter(c.env.OPS_DB, params.id);
      if (!deadLetter) throw deadLetterNotFound();
      const context = contexts.find((x) => x === deadLetter.context);
      let envelope;
      try {
        envelope = decode(deadLetter.envelope);
      } catch {
        throw new DomainError(Code.FailedPrecondition, "the dead letter is not a valid envelope");
      }
      if (!context) throw new DomainError(Code.FailedPrecondition, "the dead letter names no known context");
      const queue = bindingNamed<Queue>(c.env, queueBinding(context));
      if (!queue) throw new DomainError(Code.FailedPrecondition, "the dead letter names no known context");
      await queue.send(envelope, { contentType: "json" });
      await markReplayed(c.env.OPS_DB, deadLetter.id);
      return {};
    },
  }),
  route({
    method: "delete",
    path: "/api/admin/dead-letters/{id}",
    operationId: "discardDeadLetter",
    tag,
    admin: true,
    summary: "Discard a dead letter",
    response: z.object({}),
    handle: async (c, { params }) => {
      const result = await deleteDeadLetter(c.env.OPS_DB, params.id);
      if (result.meta.changes === 0) throw deadLetterNotFound();
      return {};
    },
  }),
  route({
    method: "post",
    path: "/api/admin/read-models/{context}/rebuild",
    operationId: "rebuildReadModel",
    tag,
    admin: true,
    summary: "Rebuild a context's read model from the owning objects, one batch per call (first call empties it)",
    body: z.object({
      next: z.string().nullish().transform((v) => v ?? ""),
      batchSize: z.number().int().nullish().transform((v) => v ?? 0),
    }),
    response: z.object({ rebuilt: z.number(), next: z.string() }),
    handle: async (c, { params, body }) => {
      const model = readModels.get(params.context);
      if (!model) throw invalidRequest("context");
      const batchSize = body.batchSize <= 0 ? defaultRebuildBatch : Math.min(body.batchSize, maxRebuildBatch);
      return rebuildBatch(c.env, model, body.next, batchSize, causeOf(c));
    },
  }),
];
