import { type AggregateState, type AggregateType, type DomainEvent } from "../src/kernel/decider";
import { Code, DomainError, fail, type HandleResult, ok, type Result } from "../src/kernel/errors";
import { type Cause, type Envelope, newId, nowIso } from "../src/kernel/envelope";
import { readConfig } from "../src/kernel/config";
import { logError } from "../src/kernel/log";
import type { AggregateSnapshot, StreamPage } from "../src/kernel/objects";
import { planCommit, snapshotDue } from "../src/kernel/outgoing";
import { expectsReply, type Reply, replyTo } from "../src/kernel/replies";
import { topology } from "../queues/topology";
import { EventStore, eventStoreSchema, type LoadedStream } from "./event-store";
import { type InboxMark, type KernelEnv, OutboxObject } from "./outbox-object";

export type { KernelEnv } from "./outbox-object";

/**
 * What one command commits: its events, the replies it sends (taken back by the caller with
 * `replyToCaller`, else relayed), and the inbox mark of the message that carried it.
 */
export interface Change<E> {
  events: readonly E[];
  replies?: readonly Reply[];
  replyToCaller?: boolean;
  inbox?: { mark: InboxMark; result: HandleResult<{ version: number }> };
}

/**
 * The generic event-sourced Durable Object (SPEC §2.6, §5.3, §5.5). One instance per aggregate id.
 * The only write path: load, decide, commit (events, snapshot, outbox and inbox mark in one
 * transaction), relay.
 */
export abstract class AggregateObject<
  C,
  E extends DomainEvent,
  S extends AggregateState,
  Env extends KernelEnv = KernelEnv,
> extends OutboxObject<Env> {
  protected abstract readonly type: AggregateType<C, E, S, any>;

  private readonly store: EventStore;
  private loaded: LoadedStream<S> | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env, eventStoreSchema);
    this.store = new EventStore(ctx.storage.sql);
  }

  /** How the last cold load was served. */
  get lastLoad(): LoadedStream<S>["stats"] {
    return this.loaded?.stats ?? { snapshotVersion: 0, eventsRead: 0 };
  }

  /** A REST command. */
  async execute(id: string, command: C, cause: Cause): Promise<Result<{ version: number }>> {
    try {
      const state = this.load(id).state;
      const { version } = this.commit(state, { events: this.type.decider.decide(command, state) }, cause);
      return ok({ version });
    } catch (error) {
      return this.failure(error, cause);
    }
  }

  /**
   * A command that arrived as a message. The inbox mark (message id, handler) commits with its effects,
   * so a redelivery returns the recorded result and changes nothing. A command that carries a reply
   * channel is answered in the same transaction (SPEC §4.3), and its reply is recorded with the result;
   * with `replyToCaller` the reply is handed back in the result (a redelivery's too) instead of relayed.
   * Without a reply channel, a rule violation is returned unrecorded so the consumer retries it.
   */
  async handle(id: string, handler: string, message: Envelope, command: C, replyToCaller = false): Promise<HandleResult<{ version: number }>> {
    const cause = { correlationId: message.metadata.correlationId, causationId: message.id };
    const mark = { messageId: message.id, handler };
    const answer = ({ reply, ...result }: HandleResult<{ version: number }>) => (replyToCaller && reply ? { ...result, reply } : result);
    try {
      const recorded = this.recordedResult<{ version: number }>(mark);
      if (recorded) return answer({ ...recorded, duplicate: true });
      const state = this.load(id).state;
      let events: E[];
      try {
        events = this.type.decider.decide(command, state);
      } catch (error) {
        if (!(error instanceof DomainError) || !expectsReply(message)) throw error;
        const result: HandleResult<never> = { ok: false, error: error.toInfo(), replied: true };
        const replies = [replyTo(message, { ok: false, error: error.toInfo() })];
        return answer(this.commit(state, { events: [], replies, replyToCaller, inbox: { mark, result } }, cause).inboxResult!);
      }
      const replies = expectsReply(message) ? [replyTo(message, { ok: true, reply: this.type.successReply?.(command, state) })] : [];
      const result = ok({ version: state.version + events.length });
      return answer(this.commit(state, { events, replies, replyToCaller, inbox: { mark, result } }, cause).inboxResult!);
    } catch (error) {
      return this.failure(error, cause);
    }
  }

  async recorded(handler: string, messageId: string): Promise<Result<HandleResult<{ version: number }> | null>> {
    try {
      return ok(this.recordedResult<{ version: number }>({ messageId, handler }));
    } catch (error) {
      return this.failure(error);
    }
  }

  /** The public GET: 404 when the aggregate does not exist or is hidden (e.g. removed). */
  async get(id: string): Promise<Result<S>> {
    try {
      const state = this.load(id).state;
      if (state.version === 0 || (this.type.visible && !this.type.visible(state))) return fail(this.type.notFound);
      return ok(state);
    } catch (error) {
      return this.failure(error);
    }
  }

  /** The read-only view other contexts may use for cache fallbacks and gap repair (SPEC §2.7). */
  async snapshot(id: string): Promise<Result<AggregateSnapshot<S>>> {
    try {
      const { state, createdAt, updatedAt } = this.load(id);
      return ok({ exists: state.version > 0, version: state.version, state, createdAt, updatedAt });
    } catch (error) {
      return this.failure(error);
    }
  }

  /** The stored stream for the admin API. */
  async history(fromVersion: number, limit: number): Promise<Result<StreamPage>> {
    try {
      return ok(this.store.read(fromVersion, limit));
    } catch (error) {
      return this.failure(error);
    }
  }

  private load(id: string): LoadedStream<S> {
    this.loaded ??= this.store.load(this.type.decider, id);
    return this.loaded;
  }

  /**
   * One transaction: events at the expected version, a due snapshot, the outbox and the inbox mark (its
   * result with the reply, if any); then the relay. Returns the new version and the recorded result.
   */
  private commit(before: S, change: Change<E>, cause: Cause): { version: number; inboxResult?: HandleResult<{ version: number }> } {
    if (change.events.length === 0 && !change.replies?.length && !change.inbox) return { version: before.version };
    const occurredAt = nowIso();
    const plan = planCommit(this.type, before, change, { cause, occurredAt, newId, routing: topology });
    const reply = plan.outbox.find((m) => m.envelope.metadata.REPLY_OUTCOME !== undefined);
    const outbox = change.replyToCaller ? plan.outbox.map((m) => (m === reply ? { ...m, deliveredByCaller: true } : m)) : plan.outbox;
    const inboxResult = change.inbox && (reply ? { ...change.inbox.result, reply: reply.envelope } : change.inbox.result);
    const every = readConfig(this.env).snapshotEvery;
    let alarm: number | null = null;
    try {
      this.ctx.storage.transactionSync(() => {
        this.store.append(before.version, plan.appended, cause, occurredAt);
        if (snapshotDue(before.version, plan.state.version, every)) this.store.saveSnapshot(this.type.snapshotName, plan.state, occurredAt);
        alarm = this.writeOutbox(outbox);
        if (change.inbox) this.markInbox(change.inbox.mark, inboxResult!, occurredAt);
      });
    } catch (error) {
      this.loaded = null; // reload on the next request
      throw error;
    }
    const loaded = this.loaded!;
    const appended = plan.appended.length > 0;
    this.loaded = {
      ...loaded,
      state: plan.state,
      createdAt: appended && before.version === 0 ? occurredAt : loaded.createdAt,
      updatedAt: appended ? occurredAt : loaded.updatedAt,
    };
    this.committed(alarm, outbox.some((m) => !m.deliveredByCaller));
    return { version: plan.state.version, inboxResult };
  }

  private failure(error: unknown, cause?: Cause): Result<never> {
    if (error instanceof DomainError) return fail(error.toInfo());
    logError("aggregate command failed", error, { aggregate: this.type?.name, ...cause });
    return fail({ code: Code.Internal, message: "internal error" });
  }
}
