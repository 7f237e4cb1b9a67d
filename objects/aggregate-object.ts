import { type AggregateState, type AggregateType, applyEvent, type DomainEvent } from "../src/kernel/decider";
import {
  Code,
  concurrencyConflict,
  DomainError,
  type ErrorInfo,
  fail,
  type HandleResult,
  ok,
  type Result,
} from "../src/kernel/errors";
import { type Cause, type Envelope, type Metadata, newId, nowIso, type OutgoingMessage } from "../src/kernel/envelope";
import { readConfig } from "../src/kernel/config";
import type { OutboxMessage } from "../queues/relay";
import { type Context, destinationsOf } from "../queues/topology";
import { logError } from "../src/kernel/log";
import type { AggregateSnapshot } from "../src/kernel/objects";
import { type InboxMark, type KernelEnv, OutboxObject } from "./outbox-object";

export type { KernelEnv } from "./outbox-object";

export interface StoredEvent {
  version: number;
  eventId: string;
  name: string;
  payload: unknown;
  metadata: Metadata;
  occurredAt: string;
}

export interface StreamPage {
  version: number;
  snapshotVersion: number;
  events: StoredEvent[];
}

/** How the last cold load was served: proves snapshots are used. */
export interface LoadStats {
  snapshotVersion: number;
  eventsRead: number;
}

const schema = [
  `CREATE TABLE IF NOT EXISTS events (version INTEGER PRIMARY KEY, event_id TEXT NOT NULL,
     name TEXT NOT NULL, payload TEXT NOT NULL, metadata TEXT NOT NULL, occurred_at TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS snapshots (version INTEGER PRIMARY KEY, name TEXT NOT NULL,
     state TEXT NOT NULL, created_at TEXT NOT NULL)`,
].join(";\n");

/**
 * The generic event-sourced Durable Object (SPEC §2.6, §5.3, §5.5). One instance per aggregate id.
 * The only write path: decide → one transaction with events, snapshot, outbox and inbox mark → relay.
 */
export abstract class AggregateObject<
  C,
  E extends DomainEvent,
  S extends AggregateState,
  Env extends KernelEnv = KernelEnv,
> extends OutboxObject<Env> {
  protected abstract readonly type: AggregateType<C, E, S>;

  private state: S | null = null;
  private createdAt = "";
  private updatedAt = "";
  lastLoad: LoadStats = { snapshotVersion: 0, eventsRead: 0 };

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env, schema);
  }

  /** A REST command. */
  async execute(id: string, command: C, cause: Cause): Promise<Result<{ version: number }>> {
    try {
      const state = this.load(id);
      const events = this.type.decider.decide(command, state);
      const version = this.commit(state, events, cause, []);
      return ok({ version });
    } catch (error) {
      return this.failure(error, cause);
    }
  }

  /**
   * A command that arrived as a message. The inbox mark (message id, handler) commits with its effects,
   * so a redelivery returns the recorded result and changes nothing. A command that carries a reply
   * channel is answered with am.Success / am.Failure in the same transaction (SPEC §4.3); without one,
   * a rule violation is returned unrecorded so the consumer retries it.
   */
  async handle(id: string, handler: string, message: Envelope, command: C): Promise<HandleResult<{ version: number }>> {
    const cause = { correlationId: message.metadata.correlationId, causationId: message.id };
    const mark = { messageId: message.id, handler };
    try {
      const recorded = this.recordedResult<{ version: number }>(mark) as HandleResult<{ version: number }> | null;
      if (recorded) return recorded;
      const state = this.load(id);
      const replyChannel = message.metadata.COMMAND_REPLY_CHANNEL;
      let events: E[];
      try {
        events = this.type.decider.decide(command, state);
      } catch (error) {
        if (!(error instanceof DomainError) || replyChannel === undefined) throw error;
        const result: HandleResult<never> = { ok: false, error: error.toInfo(), replied: true };
        this.commit(state, [], cause, [this.replyTo(message, "am.Failure", error.toInfo(), "FAILURE")], mark, result);
        return result;
      }
      const success = this.type.successReply?.(command, state) ?? { name: "am.Success", payload: {} };
      const replies = replyChannel === undefined ? [] : [this.replyTo(message, success.name, success.payload, "SUCCESS")];
      const result = ok({ version: state.version + events.length });
      this.commit(state, events, cause, replies, mark, result);
      return result;
    } catch (error) {
      return this.failure(error, cause);
    }
  }

  /** The public GET: 404 when the aggregate does not exist or is hidden (e.g. removed). */
  async get(id: string): Promise<Result<S>> {
    try {
      const state = this.load(id);
      if (state.version === 0 || (this.type.visible && !this.type.visible(state))) {
        return fail(this.type.notFound);
      }
      return ok(state);
    } catch (error) {
      return this.failure(error);
    }
  }

  /** The read-only view other contexts may use for cache fallbacks and gap repair (SPEC §2.7). */
  async snapshot(id: string): Promise<Result<AggregateSnapshot<S>>> {
    try {
      const state = this.load(id);
      return ok({
        exists: state.version > 0,
        version: state.version,
        state,
        createdAt: this.createdAt,
        updatedAt: this.updatedAt,
      });
    } catch (error) {
      return this.failure(error);
    }
  }

  /** The stored stream for the admin API: current version, latest snapshot version and a page of events. */
  async history(fromVersion: number, limit: number): Promise<Result<StreamPage>> {
    try {
      return ok(this.readStream(fromVersion, limit));
    } catch (error) {
      return this.failure(error);
    }
  }

  private readStream(fromVersion: number, limit: number): StreamPage {
    const sql = this.ctx.storage.sql;
    const rows = sql
      .exec<{ version: number; event_id: string; name: string; payload: string; metadata: string; occurred_at: string }>(
        "SELECT * FROM events WHERE version >= ? ORDER BY version LIMIT ?",
        fromVersion,
        limit,
      )
      .toArray();
    const { version, snapshotVersion } = sql
      .exec<{ version: number; snapshotVersion: number }>(
        "SELECT COALESCE((SELECT MAX(version) FROM events), 0) AS version, COALESCE((SELECT MAX(version) FROM snapshots), 0) AS snapshotVersion",
      )
      .one();
    return {
      version,
      snapshotVersion,
      events: rows.map((r) => ({
        version: r.version,
        eventId: r.event_id,
        name: r.name,
        payload: JSON.parse(r.payload),
        metadata: JSON.parse(r.metadata),
        occurredAt: r.occurred_at,
      })),
    };
  }

  // ---- loading -------------------------------------------------------------------------------

  private load(id: string): S {
    if (this.state) return this.state;
    const sql = this.ctx.storage.sql;
    const snap = sql
      .exec<{ version: number; state: string }>("SELECT version, state FROM snapshots ORDER BY version DESC LIMIT 1")
      .toArray()[0];
    let state: S = snap ? (JSON.parse(snap.state) as S) : this.type.decider.initialState(id);
    let eventsRead = 0;
    for (const row of sql.exec<{ name: string; payload: string }>(
      "SELECT name, payload FROM events WHERE version > ? ORDER BY version",
      state.version,
    )) {
      state = applyEvent(this.type.decider, state, { name: row.name, payload: JSON.parse(row.payload) } as E);
      eventsRead++;
    }
    const times = sql
      .exec<{ first: string | null; last: string | null }>(
        "SELECT (SELECT occurred_at FROM events ORDER BY version LIMIT 1) AS first, (SELECT occurred_at FROM events ORDER BY version DESC LIMIT 1) AS last",
      )
      .one();
    this.createdAt = times.first ?? "";
    this.updatedAt = times.last ?? "";
    this.lastLoad = { snapshotVersion: snap?.version ?? 0, eventsRead };
    this.state = state;
    return state;
  }

  // ---- the write path ------------------------------------------------------------------------

  private commit(
    state: S,
    events: E[],
    cause: Cause,
    extra: (OutgoingMessage & { destinations: readonly Context[] })[],
    inbox?: InboxMark,
    result?: Result<unknown>,
  ): number {
    if (events.length === 0 && extra.length === 0 && !inbox) return state.version;
    const occurredAt = nowIso();
    const sql = this.ctx.storage.sql;
    let next = state;
    const appended: { version: number; eventId: string; event: E }[] = [];
    const outbox: OutboxMessage[] = [];
    const enqueue = (m: OutgoingMessage, destinations: readonly Context[], extraMeta: Partial<Metadata>, id = newId()) => {
      if (destinations.length === 0) return; // no subscriber: nothing to send
      const metadata = { ...cause, ...extraMeta, ...m.metadata } as Metadata;
      outbox.push({ envelope: { id, name: m.name, payload: m.payload, metadata, occurredAt }, destinations });
    };
    for (const event of events) {
      next = applyEvent(this.type.decider, next, event);
      const eventId = newId();
      appended.push({ version: next.version, eventId, event });
      const aggregate = { aggregateName: this.type.name, aggregateId: state.id, aggregateVersion: next.version };
      enqueue(event, destinationsOf(event.name), aggregate, eventId);
      for (const m of this.type.publish(event, next)) enqueue(m, destinationsOf(m.name), aggregate);
    }
    for (const m of extra) enqueue(m, m.destinations, {});
    const snapshotDue =
      Math.floor(next.version / this.snapshotEvery()) > Math.floor(state.version / this.snapshotEvery());

    let alarm: number | null = null;
    try {
      this.ctx.storage.transactionSync(() => {
        const stored = sql.exec<{ v: number }>("SELECT COALESCE(MAX(version), 0) AS v FROM events").one().v;
        if (stored !== state.version) throw concurrencyConflict();
        for (const a of appended) {
          sql.exec(
            "INSERT INTO events (version, event_id, name, payload, metadata, occurred_at) VALUES (?, ?, ?, ?, ?, ?)",
            a.version,
            a.eventId,
            a.event.name,
            JSON.stringify(a.event.payload),
            JSON.stringify({ correlationId: cause.correlationId, causationId: cause.causationId }),
            occurredAt,
          );
        }
        if (snapshotDue) {
          sql.exec(
            "INSERT INTO snapshots (version, name, state, created_at) VALUES (?, ?, ?, ?)",
            next.version,
            this.type.snapshotName,
            JSON.stringify(next),
            occurredAt,
          );
          sql.exec("DELETE FROM snapshots WHERE version < ?", next.version);
        }
        alarm = this.writeOutbox(outbox);
        if (inbox) this.markInbox(inbox, result ?? ok(null), occurredAt);
      });
    } catch (error) {
      this.state = null; // reload on the next request
      throw error;
    }
    if (appended.length > 0) {
      if (state.version === 0) this.createdAt = occurredAt;
      this.updatedAt = occurredAt;
    }
    this.state = next;
    this.committed(alarm, outbox.length > 0);
    return next.version;
  }

  private failure(error: unknown, cause?: Cause): Result<never> {
    if (error instanceof DomainError) return fail(error.toInfo());
    logError("aggregate command failed", error, { aggregate: this.type?.name, ...cause });
    const info: ErrorInfo = { code: Code.Internal, message: "internal error" };
    return fail(info);
  }

  private snapshotEvery(): number {
    return readConfig(this.env).snapshotEvery;
  }
}
