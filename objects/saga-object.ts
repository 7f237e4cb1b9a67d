import { readConfig } from "../src/kernel/config";
import type { Cause, Envelope, OutboxMessage } from "../src/kernel/envelope";
import { Code, DomainError, fail, notFound, ok, type Result } from "../src/kernel/errors";
import { logError, logInfo } from "../src/kernel/log";
import {
  onReply,
  onTimeout,
  type SagaContext,
  type SagaDefinition,
  type SagaOutcome,
  type SagaState,
  startSaga,
  type Transition,
} from "../src/kernel/saga";
import { commandHeaders, expectsReply, readReply } from "../src/kernel/replies";
import { logMessage } from "../queues/consumer";
import { replyAsConsumed } from "../queues/direct";
import { topology } from "../queues/topology";
import { type InboxMark, type KernelEnv, OutboxObject } from "./outbox-object";

const causeOf = (message: Envelope): Cause => ({ correlationId: message.metadata.correlationId, causationId: message.id });

const schema = `CREATE TABLE IF NOT EXISTS saga (id TEXT PRIMARY KEY, correlation_id TEXT NOT NULL, state TEXT NOT NULL)`;

/**
 * One saga instance per id (SPEC §4): its state, outbox and inbox in this object's SQLite. Every
 * transition — the new state, the commands it sends and the inbox mark of the message that caused it —
 * commits in one transaction; the alarm carries both the step deadline and the relay retries.
 */
export abstract class SagaObject<D, Env extends KernelEnv = KernelEnv> extends OutboxObject<Env> {
  protected abstract readonly definition: SagaDefinition<D>;
  private cached: { state: SagaState<D>; correlationId: string } | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env, schema);
  }

  /** Starts the saga for the message that triggers it; a saga that already exists ignores it. */
  async start(id: string, handler: string, message: Envelope, data: D): Promise<Result<SagaOutcome>> {
    return this.guard(async () => {
      const mark = { messageId: message.id, handler };
      const recorded = this.recordedResult<SagaOutcome>(mark);
      if (recorded) return recorded.ok ? ok({ ...recorded.value, duplicate: true }) : recorded;
      if (this.load()) {
        const result = ok<SagaOutcome>({ handled: "exists" });
        this.commit({ transition: null, cause: causeOf(message), inbox: { mark, result } });
        return result;
      }
      const result = ok<SagaOutcome>({ handled: "started" });
      this.commit({ transition: startSaga(this.definition, id, data, this.context()), cause: causeOf(message), inbox: { mark, result } });
      return result;
    });
  }

  /** A reply to one of this saga's commands (SPEC §4.2 step 3). */
  async reply(handler: string, message: Envelope): Promise<Result<SagaOutcome>> {
    return this.guard(async () => {
      const mark = { messageId: message.id, handler };
      const recorded = this.recordedResult<SagaOutcome>(mark);
      if (recorded) return recorded.ok ? ok({ ...recorded.value, duplicate: true }) : recorded;
      const saga = this.load();
      if (!saga) {
        const result = ok<SagaOutcome>({ handled: "unknown-saga" });
        this.commit({ transition: null, cause: causeOf(message), inbox: { mark, result } });
        return result;
      }
      const transition = onReply(this.definition, saga.state, readReply(message), this.context());
      const stale = transition.state.history.at(-1)?.kind === "stale-reply";
      const result = ok<SagaOutcome>({ handled: stale ? "stale" : "reply" });
      this.commit({ transition, cause: { correlationId: saga.correlationId, causationId: message.id }, inbox: { mark, result } });
      return result;
    });
  }

  /** The full saga state for the admin API. */
  async get(): Promise<Result<SagaState<D>>> {
    return this.guard(async () => {
      const saga = this.load();
      return saga ? ok(saga.state) : fail(notFound("saga with that ID does not exist").toInfo());
    });
  }

  /**
   * A direct command's reply comes back with the call, unless the saga's own context is stalled
   * (STALL_QUEUES): then the receiver relays it, and the stall defers it as it would any delivery.
   */
  protected override takesReplyBack(envelope: Envelope): boolean {
    return expectsReply(envelope) && !readConfig(this.env).stalledContexts.includes(this.replyContext());
  }

  /** Records the reply as the saga context's consumer would (the same handler key, schema and log line). */
  protected override async receiveReply(reply: Envelope): Promise<boolean> {
    const started = Date.now();
    const context = this.replyContext();
    const { handler, message } = replyAsConsumed(context, reply);
    const result = await this.reply(handler, message);
    if (!result.ok) throw DomainError.from(result.error);
    const outcome = result.value.duplicate ? "duplicate" : "acked";
    logMessage(outcome, { context, name: reply.name, messageId: reply.id, envelope: reply, attempt: 1, started });
    return outcome === "acked";
  }

  private replyContext(): string {
    return topology.replyDestinations(this.definition.replyChannel)[0] ?? "";
  }

  /** The awaited command's reply commits soon, and records the command's sent mark with it. */
  protected override defersSentMark(envelope: Envelope): boolean {
    return this.load()?.state.awaiting?.commandId === envelope.id;
  }

  protected override nextWake(): number | null {
    return this.load()?.state.awaiting?.deadline ?? null;
  }

  protected override async onAlarm(): Promise<number | null> {
    const saga = this.load();
    if (!saga) return null;
    const transition = onTimeout(this.definition, saga.state, this.context());
    if (transition) this.commit({ transition, cause: { correlationId: saga.correlationId, causationId: saga.state.awaiting!.commandId } });
    return this.load()?.state.awaiting?.deadline ?? null;
  }

  // ---- state -----------------------------------------------------------------------------------

  private load(): { state: SagaState<D>; correlationId: string } | null {
    if (this.cached) return this.cached;
    const row = this.ctx.storage.sql
      .exec<{ state: string; correlation_id: string }>("SELECT state, correlation_id FROM saga LIMIT 1")
      .toArray()[0];
    this.cached = row ? { state: JSON.parse(row.state) as SagaState<D>, correlationId: row.correlation_id } : null;
    return this.cached;
  }

  private context(): SagaContext {
    return { now: Date.now(), newId: () => crypto.randomUUID(), timeoutMs: readConfig(this.env).sagaReplyTimeoutSeconds * 1000 };
  }

  /** Persists a transition (or only an inbox mark) with the commands it sends, in one transaction. */
  private commit({ transition, cause, inbox }: { transition: Transition<D> | null; cause: Cause; inbox?: { mark: InboxMark; result: Result<unknown> } }) {
    // every caller has loaded the saga first, so the cache holds the status before this transition
    const statusBefore = this.cached?.state.status ?? null;
    const occurredAt = new Date().toISOString();
    const { correlationId } = cause;
    const messages: OutboxMessage[] = (transition?.send ?? []).map((command) => ({
      envelope: {
        id: command.id,
        name: command.name,
        payload: command.payload,
        metadata: { ...cause, ...commandHeaders({ id: transition!.state.id, name: this.definition.name, replyChannel: this.definition.replyChannel }) },
        occurredAt,
      },
      destinations: topology.destinationsOf(command.name),
    }));
    let alarm: number | null = null;
    try {
      this.ctx.storage.transactionSync(() => {
        if (transition) {
          this.ctx.storage.sql.exec(
            "INSERT INTO saga (id, correlation_id, state) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET state = excluded.state",
            transition.state.id,
            correlationId,
            JSON.stringify(transition.state),
          );
        }
        alarm = this.writeOutbox(messages, transition?.state.awaiting?.deadline);
        if (inbox) this.markInbox(inbox.mark, inbox.result, occurredAt);
      });
    } catch (error) {
      this.cached = null;
      throw error;
    }
    if (transition) this.cached = { state: transition.state, correlationId: this.cached?.correlationId ?? correlationId };
    if (transition && transition.state.status !== statusBefore) {
      logInfo("saga status", {
        saga: this.definition.name,
        sagaId: transition.state.id,
        from: statusBefore,
        to: transition.state.status,
        step: transition.state.step,
        correlationId: this.cached?.correlationId ?? correlationId,
      });
    }
    this.committed(alarm, messages.length > 0);
  }

  private async guard<T>(work: () => Promise<Result<T>>): Promise<Result<T>> {
    try {
      return await work();
    } catch (error) {
      logError("saga failed", error, { saga: this.definition?.name });
      return fail({ code: Code.Internal, message: "internal error" });
    }
  }
}
