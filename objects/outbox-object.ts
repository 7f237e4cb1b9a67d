import { DurableObject } from "cloudflare:workers";
import { type ConfigVars, readConfig } from "../src/kernel/config";
import type { OutboxMessage } from "../src/kernel/envelope";
import type { Result } from "../src/kernel/errors";
import { logError } from "../src/kernel/log";
import { type QueueProducers, sendToQueues } from "../queues/relay";

export type KernelEnv = Partial<QueueProducers> & ConfigVars;

/** The inbox key of a message-driven command (SPEC §5.5). */
export interface InboxMark {
  messageId: string;
  handler: string;
}

const relayRetryCapSeconds = 60;
/** Safety alarm armed with every outbox write: it relays if the immediate relay never happens. */
const relaySafetyDelayMs = 2_000;
const sentRetentionMs = 7 * 24 * 3600 * 1000;

const outboxSchema = [
  `CREATE TABLE IF NOT EXISTS outbox (message_id TEXT PRIMARY KEY, name TEXT NOT NULL,
     payload TEXT NOT NULL, metadata TEXT NOT NULL, occurred_at TEXT NOT NULL,
     destinations TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, sent_at TEXT)`,
  `CREATE INDEX IF NOT EXISTS outbox_unsent ON outbox (occurred_at) WHERE sent_at IS NULL`,
  `CREATE TABLE IF NOT EXISTS inbox (message_id TEXT NOT NULL, handler TEXT NOT NULL,
     received_at TEXT NOT NULL, result TEXT NOT NULL, PRIMARY KEY (message_id, handler))`,
].join(";\n");

/**
 * What every publishing Durable Object shares (SPEC §5.3, §5.5): an outbox written in the caller's
 * transaction and relayed after the commit, an inbox of handled messages with their results, and one
 * alarm that retries the relay (and wakes subclasses, e.g. for saga deadlines).
 */
export abstract class OutboxObject<Env extends KernelEnv = KernelEnv> extends DurableObject<Env> {
  /** When the alarm is set to fire, as far as this instance knows (null: none). */
  private alarmAt: number | null = null;
  private relaying: Promise<void> | null = null;
  private relayAgain = false;

  constructor(ctx: DurableObjectState, env: Env, schema: string) {
    super(ctx, env);
    ctx.storage.sql.exec(`${outboxSchema};\n${schema}`);
    void ctx.blockConcurrencyWhile(async () => {
      this.alarmAt = await ctx.storage.getAlarm();
      if (this.alarmAt === null && this.hasUnsent()) await this.setAlarm(Date.now());
    });
  }

  /** Subclass hook run by every alarm before the relay; returns the next time it needs waking, if any. */
  protected async onAlarm(): Promise<number | null> {
    return null;
  }

  override async alarm(): Promise<void> {
    this.alarmAt = null;
    this.ctx.storage.sql.exec(
      "DELETE FROM outbox WHERE sent_at IS NOT NULL AND sent_at < ?",
      new Date(Date.now() - sentRetentionMs).toISOString(),
    );
    const next = await this.onAlarm();
    if (next !== null) await this.setAlarm(next);
    await this.runRelay();
  }

  // ---- inside a transaction --------------------------------------------------------------------

  /**
   * Writes messages to the outbox and arms the alarm no later than `wakeBy` (default: the relay's
   * safety delay). Call inside `transactionSync`; after the commit call `committed(token)`.
   */
  protected writeOutbox(messages: readonly OutboxMessage[], wakeBy?: number): number | null {
    const sql = this.ctx.storage.sql;
    for (const m of messages) {
      sql.exec(
        "INSERT INTO outbox (message_id, name, payload, metadata, occurred_at, destinations) VALUES (?, ?, ?, ?, ?, ?)",
        m.envelope.id,
        m.envelope.name,
        JSON.stringify(m.envelope.payload),
        JSON.stringify(m.envelope.metadata),
        m.envelope.occurredAt,
        JSON.stringify(m.destinations),
      );
    }
    const wanted = Math.min(wakeBy ?? Infinity, messages.length > 0 ? Date.now() + relaySafetyDelayMs : Infinity);
    if (wanted === Infinity || (this.alarmAt !== null && this.alarmAt <= wanted)) return null;
    // Armed inside the transaction: a crash right after the commit still relays, with no further request.
    void this.ctx.storage.setAlarm(wanted);
    return wanted;
  }

  protected markInbox(mark: InboxMark, result: Result<unknown>, at: string): void {
    this.ctx.storage.sql.exec(
      "INSERT INTO inbox (message_id, handler, received_at, result) VALUES (?, ?, ?, ?)",
      mark.messageId,
      mark.handler,
      at,
      JSON.stringify(result),
    );
  }

  // ---- after the commit ------------------------------------------------------------------------

  /** Records the alarm armed by writeOutbox and starts relaying what was written. */
  protected committed(alarmArmedAt: number | null, wroteMessages: boolean): void {
    if (alarmArmedAt !== null) this.alarmAt = alarmArmedAt;
    if (wroteMessages && !readConfig(this.env).skipImmediateRelay) this.ctx.waitUntil(this.runRelay());
  }

  protected recordedResult<T>(mark: InboxMark): Result<T> | null {
    const row = this.ctx.storage.sql
      .exec<{ result: string }>("SELECT result FROM inbox WHERE message_id = ? AND handler = ?", mark.messageId, mark.handler)
      .toArray()[0];
    return row ? (JSON.parse(row.result) as Result<T>) : null;
  }

  // ---- relay (SPEC §5.3) -------------------------------------------------------------------------

  /** One relay at a time per object; a write during a relay makes it look again before it ends. */
  protected runRelay(): Promise<void> {
    if (this.relaying) {
      this.relayAgain = true;
      return this.relaying;
    }
    this.relaying = this.relay().finally(() => {
      this.relaying = null;
    });
    return this.relaying;
  }

  /** Sends unsent rows until none are left; on failure counts the attempt and arms a backoff alarm. */
  private async relay(): Promise<void> {
    const sql = this.ctx.storage.sql;
    for (;;) {
      this.relayAgain = false;
      const rows = sql
        .exec<{ message_id: string; name: string; payload: string; metadata: string; occurred_at: string; destinations: string; attempts: number }>(
          "SELECT message_id, name, payload, metadata, occurred_at, destinations, attempts FROM outbox WHERE sent_at IS NULL ORDER BY occurred_at, rowid LIMIT 100",
        )
        .toArray();
      if (rows.length === 0) return this.settleAlarm();
      const messages: OutboxMessage[] = rows.map((r) => ({
        envelope: {
          id: r.message_id,
          name: r.name,
          payload: JSON.parse(r.payload),
          metadata: JSON.parse(r.metadata),
          occurredAt: r.occurred_at,
        },
        destinations: JSON.parse(r.destinations),
      }));
      let failed: Set<string>;
      try {
        failed = await sendToQueues(this.env, messages);
      } catch (error) {
        logError("outbox relay failed", error);
        failed = new Set(rows.map((r) => r.message_id));
      }
      const sentAt = new Date().toISOString();
      let maxAttempts = 0;
      this.ctx.storage.transactionSync(() => {
        for (const r of rows) {
          if (failed.has(r.message_id)) {
            sql.exec("UPDATE outbox SET attempts = attempts + 1 WHERE message_id = ?", r.message_id);
            maxAttempts = Math.max(maxAttempts, r.attempts + 1);
          } else {
            sql.exec("UPDATE outbox SET sent_at = ? WHERE message_id = ?", sentAt, r.message_id);
          }
        }
      });
      if (failed.size > 0) {
        await this.setAlarm(Date.now() + Math.min(relayRetryCapSeconds, 2 ** (maxAttempts - 1)) * 1000);
        return;
      }
      if (rows.length < 100 && !this.relayAgain) return this.settleAlarm();
    }
  }

  /**
   * When the outbox is empty, the relay's safety alarm has nothing left to do: keep only what the
   * subclass still needs (e.g. a saga deadline), so an idle object is not woken again. The input gate
   * holds other events back during these storage calls, so no write can slip in between.
   */
  private async settleAlarm(): Promise<void> {
    if (this.hasUnsent()) return;
    const wanted = this.nextWake();
    if (wanted === this.alarmAt) return;
    this.alarmAt = wanted;
    if (wanted === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(wanted);
  }

  /** When the subclass next needs its alarm, apart from the relay (null: never). */
  protected nextWake(): number | null {
    return null;
  }

  /** Moves the alarm earlier if `at` is sooner than the one set (there is one alarm per object). */
  protected async setAlarm(at: number): Promise<void> {
    if (this.alarmAt !== null && this.alarmAt <= at) return;
    this.alarmAt = at;
    await this.ctx.storage.setAlarm(at);
  }

  private hasUnsent(): boolean {
    return this.ctx.storage.sql.exec("SELECT 1 FROM outbox WHERE sent_at IS NULL LIMIT 1").toArray().length > 0;
  }
}
