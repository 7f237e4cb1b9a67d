import type { z } from "zod";
import type { Cause, Envelope } from "./envelope";
import type { MessageHandler } from "./messages";
import type { AggregateSnapshot } from "./objects";
import { readOwner, type StreamRef } from "./streams";

/**
 * One event applied to one read-model row under the projection rule of SPEC §2.7, idempotently
 * (SPEC §5.5): the inbox row, the `streams` row and the effects commit in one D1 batch.
 *
 * - event version ≤ row version: nothing to do (only the inbox row is written);
 * - event version = row version + 1: `apply`;
 * - otherwise a gap: `refetch` rebuilds the row from the owning object's snapshot (guarded by
 *   "only if newer"), or returns no statements when the aggregate does not exist.
 *
 * The common cases take one round trip: the batch reads the row's version and the inbox first, then
 * runs `apply`'s statements, which therefore must change nothing unless the row is at `version − 1`
 * (an insert: only for an aggregate's first event, and only when the row is absent). The inbox and
 * stream rows are written only if the row then reflects the event, so a gap leaves no trace and is
 * repaired in a second batch.
 */
export interface ProjectionStep {
  db: D1Database;
  message: Envelope;
  handler: string;
  /** Name of the aggregate stream the row mirrors (e.g. `stores.Store`); the row id is the event's aggregateId. */
  stream: string;
  /** Read-model table with a `version` column and the aggregate id in `key`. */
  table: string;
  /** Column holding the aggregate id; default `id`. */
  key?: string;
  apply(id: string, version: number): D1PreparedStatement[];
  refetch(id: string): Promise<D1PreparedStatement[]>;
}

export type ProjectionOutcome = "duplicate" | "stale" | "applied" | "refetched";

export async function project(step: ProjectionStep): Promise<ProjectionOutcome> {
  const { db, message, handler } = step;
  const { aggregateId: id, aggregateVersion: version } = message.metadata;
  if (id === undefined || version === undefined) {
    throw new Error(`${message.name} ${message.id} carries no aggregateId/aggregateVersion`);
  }
  const stream = { name: step.stream, id };
  const key = step.key ?? "id";
  const before = db
    .prepare(
      `SELECT (SELECT 1 FROM inbox WHERE message_id = ?1 AND handler = ?2) AS seen,
              (SELECT version FROM ${step.table} WHERE ${key} = ?3) AS version`,
    )
    .bind(message.id, handler, id);
  // "the row reflects the event", evaluated after `apply` ran in the same batch
  const reflected = `EXISTS (SELECT 1 FROM ${step.table} WHERE ${key} = ?3 AND version >= ?4)`;
  const [first] = await db.batch([
    before,
    ...step.apply(id, version),
    db.prepare(`INSERT OR IGNORE INTO streams (aggregate_name, id) SELECT ?1, ?2 WHERE ${reflected}`).bind(stream.name, id, id, version),
    db
      .prepare(`INSERT OR IGNORE INTO inbox (message_id, handler, received_at) SELECT ?1, ?2, ?5 WHERE ${reflected}`)
      .bind(message.id, handler, id, version, new Date().toISOString()),
  ]);
  const seen = first?.results[0] as { seen: number | null; version: number | null } | undefined;
  if (seen?.seen) return "duplicate";
  const current = seen?.version ?? 0;
  if (version <= current) return "stale";
  if (version === current + 1) return "applied";
  const effects = await step.refetch(id);
  // a gap on an aggregate that does not exist writes nothing but the inbox row (SPEC §2.7 rule 3)
  await db.batch([...effects, ...(effects.length === 0 ? [] : [recordStream(db, stream)]), markInbox(db, message.id, handler)]);
  return "refetched";
}

export const markInbox = (db: D1Database, messageId: string, handler: string) =>
  db
    .prepare("INSERT OR IGNORE INTO inbox (message_id, handler, received_at) VALUES (?, ?, ?)")
    .bind(messageId, handler, new Date().toISOString());

export const recordStream = (db: D1Database, stream: { name: string; id: string }) =>
  db.prepare("INSERT OR IGNORE INTO streams (aggregate_name, id) VALUES (?, ?)").bind(stream.name, stream.id);

/**
 * A D1 table that mirrors one aggregate type of another context (or of its own): where it lives, the
 * stream it mirrors, and how a whole row is written from the owner's snapshot, only if newer.
 */
export type Mirror<Env, V> = {
  db(env: Env): D1Database;
  table: string;
  /** Column holding the aggregate id; default `id`. */
  key?: string;
  stream: StreamRef<V>;
} & (
  | {
      upsert(db: D1Database, snapshot: AggregateSnapshot<V>): D1PreparedStatement;
      /** Rebuilds a row that needs more than the snapshot (e.g. names from caches); default `[upsert]`. */
      rebuild?(env: Env, snapshot: AggregateSnapshot<V>, origin: Cause): Promise<D1PreparedStatement[]>;
    }
  | {
      upsert?: undefined;
      /** A row written by several statements, or from more than the snapshot. */
      rebuild(env: Env, snapshot: AggregateSnapshot<V>, origin: Cause): Promise<D1PreparedStatement[]>;
    }
);

export const causeOf = (message: Envelope): Cause => ({ correlationId: message.metadata.correlationId, causationId: message.id });

/**
 * Message handlers that apply one event to the row mirroring its aggregate:
 * `rowProjector(mirror).on(schema, (db, id, version, message) => update statement)`; the message's
 * payload type comes from the schema.
 */
export const rowProjector = <Env, V>(mirror: Mirror<Env, V>) => ({
  on: <S extends z.ZodType>(
    schema: S,
    update: (db: D1Database, id: string, version: number, message: Envelope<z.output<S>>) => D1PreparedStatement,
  ): MessageHandler<Env, z.output<S>> => ({
    schema: schema as z.ZodType<z.output<S>>,
    run: async (env, message, handler) => {
      const db = mirror.db(env);
      const outcome = await project({
        db,
        message,
        handler,
        stream: mirror.stream.name,
        table: mirror.table,
        key: mirror.key,
        apply: (id, version) => [update(db, id, version, message)],
        refetch: (id) => refetchRow(env, mirror, id, message),
      });
      return outcome === "duplicate" ? "duplicate" : undefined;
    },
  }),
});

/** Gap repair (projection rule 3): the whole row from the owner's snapshot; nothing when it does not exist. */
export async function refetchRow<Env, V>(env: Env, mirror: Mirror<Env, V>, id: string, message: Envelope): Promise<D1PreparedStatement[]> {
  const snapshot = await readOwner(env as object, mirror.stream, id, causeOf(message));
  return snapshot.exists ? rowFrom(env, mirror.db(env), mirror, snapshot, causeOf(message)) : [];
}

/** The statements that write a whole row from its owner's snapshot. */
export function rowFrom<Env, V>(env: Env, db: D1Database, mirror: Mirror<Env, V>, snapshot: AggregateSnapshot<V>, origin: Cause) {
  if (mirror.upsert === undefined) return mirror.rebuild(env, snapshot, origin);
  return mirror.rebuild ? mirror.rebuild(env, snapshot, origin) : Promise.resolve([mirror.upsert(db, snapshot)]);
}

/**
 * The read-through fallback of SPEC §2.7 after a cache miss: ask the owner, cache what it answers
 * (only if newer, and the stream as seen) and return it; null when it does not exist or `isGone` says
 * so (e.g. removed). A failed call is an internal error with `failure` as its message.
 */
export async function fillFromOwner<Env, V>(
  env: Env,
  mirror: Mirror<Env, V>,
  id: string,
  origin: Cause,
  { failure, isGone = () => false }: { failure: string; isGone?: (view: V) => boolean },
): Promise<V | null> {
  const snapshot = await readOwner(env as object, mirror.stream, id, origin, failure);
  if (!snapshot.exists || isGone(snapshot.state)) return null;
  const db = mirror.db(env);
  await db.batch([...(await rowFrom(env, db, mirror, snapshot, origin)), recordStream(db, { name: mirror.stream.name, id })]);
  return snapshot.state;
}
