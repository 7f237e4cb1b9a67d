import { DurableObject } from "cloudflare:workers";
import { type ConfigVars, readConfig } from "../src/kernel/config";
import type { Envelope, OutboxMessage } from "../src/kernel/envelope";
import type { Result } from "../src/kernel/errors";
import { configureLog, describeError, logError } from "../src/kernel/log";
import { meterAlarm, meterObject } from "../src/kernel/usage";
import { storeDeadLetter } from "../queues/dead-letters";
import { deliverDirect, directDeliveryAttempts, travelsDirect } from "../queues/direct";
import { ensureSchema } from "./schema";
import { type QueueProducers, sendToQueues } from "../queues/relay";

export type KernelEnv = Partial<QueueProducers> & ConfigVars & { OPS_DB?: D1Database };

/** The inbox key of a message-driven command (SPEC §5.5). */
export interface InboxMark {
  messageId: string;
  handler: string;
}

const relayRetryCapSeconds = 60;
/** Failures of one destination of one row after which that copy becomes a dead letter (SPEC §2.8). */
export const maxDeliveryAttempts = 10;
/** Safety alarm armed with every outbox write: it relays if the immediate relay never happens. */
const relaySafetyDelayMs = 2_000;
/**
 * Deliveries sent per relay pass. Written into the due query, not bound: SQLite recompiles a statement
 * whose LIMIT is a bound parameter every time it is bound again, so each relay would prepare it anew.
 */
const relayBatch = 100;
const dayMs = 24 * 3600 * 1000;
const sentRetentionMs = 7 * dayMs;
const inboxRetentionMs = 14 * dayMs;
/** Pruning runs at most this often per object, and deletes at most `pruneBatch` rows of each table. */
const pruneEveryMs = 60_000;
const pruneBatch = 500;

/**
 * `outbox.sent_at` is set once every destination of the row has taken it or been dead-lettered;
 * `outbox.attempts` is the highest attempt count among its destinations. `outbox_deliveries` holds one
 * row per (message, destination): `retry_at` (epoch ms) is when a failed copy is due again. The deliveries
 * and the inbox are keyed by their primary key alone (WITHOUT ROWID): an insert writes the row and its
 * secondary index, not also a separate key index. Objects created before keep rowid tables; every
 * statement here works on both.
 */
const outboxSchema = [
  `CREATE TABLE IF NOT EXISTS outbox (message_id TEXT PRIMARY KEY, name TEXT NOT NULL,
     payload TEXT NOT NULL, metadata TEXT NOT NULL, occurred_at TEXT NOT NULL,
     destinations TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, sent_at TEXT)`,
  `CREATE INDEX IF NOT EXISTS outbox_unsent ON outbox (occurred_at) WHERE sent_at IS NULL`,
  `CREATE INDEX IF NOT EXISTS outbox_sent ON outbox (sent_at) WHERE sent_at IS NOT NULL`,
  `CREATE TABLE IF NOT EXISTS outbox_deliveries (message_id TEXT NOT NULL, destination TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0, retry_at INTEGER NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '',
     sent_at TEXT, dead_lettered_at TEXT, PRIMARY KEY (message_id, destination)) WITHOUT ROWID`,
  `CREATE INDEX IF NOT EXISTS outbox_deliveries_pending ON outbox_deliveries (retry_at)
     WHERE sent_at IS NULL AND dead_lettered_at IS NULL`,
  // unsent rows written before deliveries were tracked per destination
  `INSERT OR IGNORE INTO outbox_deliveries (message_id, destination)
     SELECT o.message_id, j.value FROM outbox o, json_each(o.destinations) j
     WHERE o.sent_at IS NULL AND NOT EXISTS (SELECT 1 FROM outbox_deliveries d WHERE d.message_id = o.message_id)`,
  `CREATE TABLE IF NOT EXISTS inbox (message_id TEXT NOT NULL, handler TEXT NOT NULL,
     received_at TEXT NOT NULL, result TEXT NOT NULL, PRIMARY KEY (message_id, handler)) WITHOUT ROWID`,
  `CREATE INDEX IF NOT EXISTS inbox_received ON inbox (received_at)`,
].join(";\n");

const markSent = "UPDATE outbox_deliveries SET sent_at = ? WHERE message_id = ? AND destination = ?";
/** A row is sent once each of its copies was taken or dead-lettered; its attempts are its copies' highest. */
const settleRow = `UPDATE outbox SET attempts = (SELECT MAX(attempts) FROM outbox_deliveries WHERE message_id = ?1),
     sent_at = CASE WHEN EXISTS (SELECT 1 FROM outbox_deliveries
       WHERE message_id = ?1 AND sent_at IS NULL AND dead_lettered_at IS NULL) THEN NULL ELSE ?2 END
   WHERE message_id = ?1`;
const deliveryKey = (messageId: string, destination: string) => `${messageId}\n${destination}`;
/** Excludes the copies whose sent mark waits in memory; `param` binds a JSON array of their `deliveryKey`s. */
const notDelivered = (param: string) => `NOT EXISTS (SELECT 1 FROM json_each(${param}) WHERE value = d.message_id || char(10) || d.destination)`;

type DueDelivery = {
  message_id: string;
  destination: string;
  attempts: number;
  last_error: string;
  name: string;
  payload: string;
  metadata: string;
  occurred_at: string;
};

/** What a relay pass decided for one delivery. */
type Outcome =
  | { kind: "sent" }
  | { kind: "retry"; attempts: number; error: string }
  | { kind: "dead"; attempts: number; error: string; stored: boolean };

/**
 * What every publishing Durable Object shares (SPEC §5.3, §5.5): an outbox written in the caller's
 * transaction and relayed per destination after the commit, an inbox of handled messages with their
 * results, and one alarm that retries the relay (and wakes subclasses, e.g. for saga deadlines).
 */
export abstract class OutboxObject<Env extends KernelEnv = KernelEnv> extends DurableObject<Env> {
  /** When the alarm is set to fire, as far as this instance knows (null: none). */
  private alarmAt: number | null = null;
  private relaying: Promise<void> | null = null;
  private relayAgain = false;
  private prunedAt = -Infinity;
  /**
   * Copies delivered whose sent mark waits for this object's next commit (see `defersSentMark`), by
   * `deliveryKey`; `recording` holds the keys the commit in progress writes.
   */
  private readonly delivered = new Map<string, { messageId: string; destination: string; at: string }>();
  private recording: string[] = [];
  /** The clock of the relay and of pruning (epoch ms); tests replace it to age rows and skip backoff. */
  protected clock: () => number = () => Date.now();

  constructor(ctx: DurableObjectState, env: Env, schema: string) {
    super(ctx, meterObject(ctx, env));
    configureLog(env);
    ensureSchema(ctx.storage.sql, `${outboxSchema};\n${schema}`);
    void ctx.blockConcurrencyWhile(async () => {
      this.alarmAt = await ctx.storage.getAlarm();
      if (this.alarmAt === null && this.hasUnsent()) await this.setAlarm(this.clock());
    });
  }

  /** Subclass hook run by every alarm before the relay; returns the next time it needs waking, if any. */
  protected async onAlarm(): Promise<number | null> {
    return null;
  }

  override async alarm(): Promise<void> {
    meterAlarm();
    this.alarmAt = null;
    this.pruneIfDue();
    const next = await this.onAlarm();
    if (next !== null) await this.setAlarm(next);
    await this.runRelay();
  }

  // ---- inside a transaction --------------------------------------------------------------------

  /**
   * Writes messages to the outbox, one delivery per destination, and arms the alarm no later than
   * `wakeBy` (default: the relay's safety delay). Also records the sent marks that waited for a commit.
   * Call inside `transactionSync`; after the commit call `committed` with its result. A message with no
   * destination, or one its caller took back, is written as sent.
   */
  protected writeOutbox(messages: readonly OutboxMessage[], wakeBy?: number): number | null {
    const sql = this.ctx.storage.sql;
    const now = this.clock();
    this.recordDelivered();
    let deliveries = 0;
    for (const m of messages) {
      sql.exec(
        "INSERT INTO outbox (message_id, name, payload, metadata, occurred_at, destinations, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        m.envelope.id,
        m.envelope.name,
        JSON.stringify(m.envelope.payload),
        JSON.stringify(m.envelope.metadata),
        m.envelope.occurredAt,
        JSON.stringify(m.destinations),
        m.destinations.length === 0 || m.deliveredByCaller ? new Date(now).toISOString() : null,
      );
      if (m.deliveredByCaller) continue;
      for (const d of m.destinations) {
        sql.exec("INSERT INTO outbox_deliveries (message_id, destination) VALUES (?, ?)", m.envelope.id, d);
        deliveries++;
      }
    }
    const wanted = Math.min(wakeBy ?? Infinity, deliveries > 0 ? now + relaySafetyDelayMs : Infinity);
    if (wanted === Infinity || (this.alarmAt !== null && this.alarmAt <= wanted)) return null;
    // Armed inside the transaction: a crash right after the commit still relays, with no further request.
    void this.ctx.storage.setAlarm(wanted);
    return wanted;
  }

  /** Writes the sent marks that waited in memory; `committed` forgets them once the commit holds. */
  private recordDelivered(): void {
    const sql = this.ctx.storage.sql;
    this.recording = [...this.delivered.keys()];
    const rows = new Map<string, string>();
    for (const m of this.delivered.values()) {
      sql.exec(markSent, m.at, m.messageId, m.destination);
      rows.set(m.messageId, m.at);
    }
    for (const [messageId, at] of rows) sql.exec(settleRow, messageId, at);
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

  /**
   * Records the alarm armed by writeOutbox, prunes old rows when due and relays what was written. A
   * commit that sends nothing may still end the need for an armed alarm (a saga's last reply): it is
   * settled now rather than left to fire. A running relay settles it when it ends.
   */
  protected committed(alarmArmedAt: number | null, wroteMessages: boolean): void {
    for (const key of this.recording) this.delivered.delete(key);
    this.recording = [];
    if (alarmArmedAt !== null) this.alarmAt = alarmArmedAt;
    this.pruneIfDue();
    if (wroteMessages) {
      if (!readConfig(this.env).skipImmediateRelay) this.ctx.waitUntil(this.runRelay());
    } else if (this.alarmAt !== null && !this.relaying) {
      this.ctx.waitUntil(this.settleAlarm(this.hasUnsent()));
    }
  }

  protected recordedResult<T>(mark: InboxMark): Result<T> | null {
    const row = this.ctx.storage.sql
      .exec<{ result: string }>("SELECT result FROM inbox WHERE message_id = ? AND handler = ?", mark.messageId, mark.handler)
      .toArray()[0];
    return row ? (JSON.parse(row.result) as Result<T>) : null;
  }

  // ---- storage bounds (SPEC §2.8) ----------------------------------------------------------------

  /**
   * Deletes sent outbox rows older than 7 days (with their deliveries) and inbox rows older than
   * 14 days, at most once a minute and a bounded number per run. Unsent rows are never touched.
   */
  private pruneIfDue(): void {
    const now = this.clock();
    if (now - this.prunedAt < pruneEveryMs) return;
    this.prunedAt = now;
    const sql = this.ctx.storage.sql;
    const sentBefore = new Date(now - sentRetentionMs).toISOString();
    const receivedBefore = new Date(now - inboxRetentionMs).toISOString();
    const oldSent = "SELECT message_id FROM outbox WHERE sent_at IS NOT NULL AND sent_at < ? ORDER BY sent_at LIMIT ?";
    // one probe of each index first: most objects, and every new one, have nothing old enough
    const due = sql
      .exec<{ due: number }>(
        `SELECT EXISTS (SELECT 1 FROM outbox WHERE sent_at IS NOT NULL AND sent_at < ?1)
           OR EXISTS (SELECT 1 FROM inbox WHERE received_at < ?2) AS due`,
        sentBefore,
        receivedBefore,
      )
      .one().due;
    if (!due) return;
    this.ctx.storage.transactionSync(() => {
      sql.exec(`DELETE FROM outbox_deliveries WHERE message_id IN (${oldSent})`, sentBefore, pruneBatch);
      sql.exec(`DELETE FROM outbox WHERE message_id IN (${oldSent})`, sentBefore, pruneBatch);
      sql.exec(
        `DELETE FROM inbox WHERE (message_id, handler) IN
           (SELECT message_id, handler FROM inbox WHERE received_at < ? ORDER BY received_at LIMIT ?)`,
        receivedBefore,
        pruneBatch,
      );
    });
  }

  // ---- relay (SPEC §5.3, §2.8) -------------------------------------------------------------------

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

  /**
   * Sends the due deliveries, oldest rows first, until none is left, then arms the alarm for the next
   * retry. Each destination of a row is tracked on its own: a copy that was taken is never sent again,
   * and a failing one backs off (1, 2, 4 … 60 s) without holding up the others.
   */
  private async relay(): Promise<void> {
    const sql = this.ctx.storage.sql;
    for (;;) {
      this.relayAgain = false;
      const due = sql
        .exec<DueDelivery>(
          `SELECT d.message_id, d.destination, d.attempts, d.last_error, o.name, o.payload, o.metadata, o.occurred_at
           FROM outbox o JOIN outbox_deliveries d ON d.message_id = o.message_id
           WHERE o.sent_at IS NULL AND d.sent_at IS NULL AND d.dead_lettered_at IS NULL AND d.retry_at <= ?1 AND ${notDelivered("?2")}
           ORDER BY o.occurred_at, o.rowid, d.destination LIMIT ${relayBatch}`,
          this.clock(),
          this.deliveredKeys(),
        )
        .toArray();
      if (due.length === 0) break;
      await this.deliver(due);
      if (due.length < relayBatch && !this.relayAgain) break;
    }
    const { at, unsent } = sql
      .exec<{ at: number | null; unsent: number }>(
        `SELECT (SELECT MIN(retry_at) FROM outbox_deliveries d WHERE sent_at IS NULL AND dead_lettered_at IS NULL AND ${notDelivered("?1")}) AS at,
           EXISTS (SELECT 1 FROM outbox WHERE sent_at IS NULL) AS unsent`,
        this.deliveredKeys(),
      )
      .one();
    if (at === null) return this.settleAlarm(unsent === 1);
    await this.setAlarm(at);
  }

  /** One pass: send, dead-letter the copies that reached the limit, then record every outcome at once. */
  private async deliver(due: DueDelivery[]): Promise<void> {
    const envelopes = new Map<string, Envelope>();
    const envelopeOf = (d: DueDelivery): Envelope => {
      let e = envelopes.get(d.message_id);
      if (!e) {
        e = { id: d.message_id, name: d.name, payload: JSON.parse(d.payload), metadata: JSON.parse(d.metadata), occurredAt: d.occurred_at };
        envelopes.set(d.message_id, e);
      }
      return e;
    };
    const policy = (d: DueDelivery) => this.deliveryPolicy(envelopeOf(d));
    // a copy whose dead letter could not be stored before is not sent again, only dead-lettered
    const toSend = due
      .filter((d) => d.attempts < policy(d).attempts)
      .map((d) => ({ envelope: envelopeOf(d), destination: d.destination, attempt: d.attempts + 1, direct: travelsDirect(this.env, envelopeOf(d)) }));
    // copies whose reply came back with the call and whose sent mark that reply's commit recorded
    const answered = new Set<string>();
    const [queued, handed] = await Promise.all([
      sendToQueues(this.env, toSend.filter((d) => !d.direct)),
      Promise.all(
        toSend.filter((d) => d.direct).map(async (d) => {
          try {
            const reply = await deliverDirect(this.env, d.destination, d.envelope, d.attempt, this.takesReplyBack(d.envelope));
            if (reply && (await this.answeredBy(d.envelope.id, d.destination, reply))) answered.add(deliveryKey(d.envelope.id, d.destination));
            return null;
          } catch (error) {
            return { messageId: d.envelope.id, destination: d.destination, error: describeError(error) };
          }
        }),
      ),
    ]);
    const failures = new Map([...queued, ...handed.filter((f) => f !== null)].map((f) => [deliveryKey(f.messageId, f.destination), f.error]));
    const at = new Date(this.clock()).toISOString();
    const outcomes = await Promise.all(
      due.map(async (d): Promise<Outcome> => {
        const limit = policy(d).attempts;
        const sendError = d.attempts < limit ? failures.get(deliveryKey(d.message_id, d.destination)) : d.last_error;
        if (sendError === undefined) return { kind: "sent" };
        const attempts = Math.min(d.attempts + 1, limit);
        if (attempts < limit) return { kind: "retry", attempts, error: sendError };
        const stored = await this.deadLetter(envelopeOf(d), d.destination, attempts, sendError, at);
        return { kind: "dead", attempts, error: sendError, stored };
      }),
    );
    const now = this.clock();
    const sql = this.ctx.storage.sql;
    const deferred = due.map((d, i) => {
      if (outcomes[i]!.kind !== "sent") return false;
      const key = deliveryKey(d.message_id, d.destination);
      if (answered.has(key)) return true;
      if (!this.defersSentMark(envelopeOf(d))) return false;
      this.delivered.set(key, { messageId: d.message_id, destination: d.destination, at });
      return true;
    });
    if (deferred.every(Boolean)) return;
    this.ctx.storage.transactionSync(() => {
      due.forEach((d, i) => {
        const outcome = outcomes[i]!;
        if (deferred[i]) return;
        if (outcome.kind === "sent") {
          sql.exec(markSent, at, d.message_id, d.destination);
          return;
        }
        // a dead letter that could not be stored is tried again a minute later
        const delaySeconds = outcome.kind === "retry" ? policy(d).delaySeconds(outcome.attempts) : relayRetryCapSeconds;
        sql.exec(
          `UPDATE outbox_deliveries SET attempts = ?, last_error = ?, retry_at = ?, dead_lettered_at = ?
           WHERE message_id = ? AND destination = ?`,
          outcome.attempts,
          outcome.error,
          now + delaySeconds * 1000,
          outcome.kind === "dead" && outcome.stored ? at : null,
          d.message_id,
          d.destination,
        );
      });
      for (const messageId of new Set(due.filter((_, i) => !deferred[i]).map((d) => d.message_id))) sql.exec(settleRow, messageId, at);
    });
  }

  /**
   * How often a copy is tried and how long it waits after its n-th failure: a queue send 10 times, 1, 2, 4 … 60 s
   * apart (SPEC §2.8); a direct delivery is a handler run, so it gets what the consumer gives a message
   * (SPEC §5.2): 5 attempts, QUEUE_RETRY_BASE_SECONDS × 2^(n−1) apart.
   */
  private deliveryPolicy(envelope: Envelope): { attempts: number; delaySeconds: (failures: number) => number } {
    if (travelsDirect(this.env, envelope)) {
      const base = readConfig(this.env).queueRetryBaseSeconds;
      return { attempts: directDeliveryAttempts, delaySeconds: (n) => base * 2 ** (n - 1) };
    }
    return { attempts: maxDeliveryAttempts, delaySeconds: (n) => Math.min(relayRetryCapSeconds, 2 ** (n - 1)) };
  }

  /** Records a copy given up on in OPS_DB.dead_letters; false (retried later) when that fails. */
  private async deadLetter(envelope: Envelope, destination: string, attempts: number, lastError: string, at: string): Promise<boolean> {
    try {
      if (!this.env.OPS_DB) throw new Error("no OPS_DB binding");
      await storeDeadLetter(this.env.OPS_DB, { context: destination, envelope, attempts, lastError, at });
      logError("outbox copy dead-lettered", lastError, { context: destination, messageId: envelope.id, name: envelope.name });
      return true;
    } catch (error) {
      logError("storing a dead letter failed", error, { context: destination, messageId: envelope.id });
      return false;
    }
  }

  /**
   * When the outbox is empty, the relay's safety alarm has nothing left to do: delete it unless the
   * subclass still needs waking (e.g. a saga deadline), so an idle object is not woken again. An alarm
   * that is due before the wake wanted is kept: waking early costs nothing (the alarm re-arms for what
   * is due), while moving it on every relay cost two alarm writes per step of a saga. The input gate
   * holds other events back during these storage calls, so no write can slip in between.
   */
  private async settleAlarm(unsent: boolean): Promise<void> {
    if (unsent) return;
    const wanted = this.nextWake();
    if (wanted === this.alarmAt || (wanted !== null && this.alarmAt !== null && this.alarmAt <= wanted)) return;
    this.alarmAt = wanted;
    if (wanted === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(wanted);
  }

  /**
   * Whether the sent mark of a delivered copy may wait for this object's next commit instead of taking a
   * commit of its own: true only where a next commit is sure to come soon (a saga awaiting that command's
   * reply). Should the object be evicted first, the copy is sent again and the receiver's inbox absorbs it.
   */
  protected defersSentMark(_envelope: Envelope): boolean {
    return false;
  }

  /** Whether a direct delivery of this message takes its reply back with the call (see `receiveReply`). */
  protected takesReplyBack(_envelope: Envelope): boolean {
    return false;
  }

  /**
   * Records a reply that came back with its command's delivery; true when that committed (a repeat of
   * a reply already recorded commits nothing). Throws when the delivery must be retried; the receiver's
   * inbox then hands the same reply back.
   */
  protected async receiveReply(_reply: Envelope): Promise<boolean> {
    throw new Error("this object takes no replies back");
  }

  /** Has the reply's commit record the command's sent mark; true when it did. */
  private async answeredBy(messageId: string, destination: string, reply: Envelope): Promise<boolean> {
    const key = deliveryKey(messageId, destination);
    this.delivered.set(key, { messageId, destination, at: new Date(this.clock()).toISOString() });
    try {
      if (await this.receiveReply(reply)) return true;
      this.delivered.delete(key);
      return false;
    } catch (error) {
      this.delivered.delete(key);
      throw error;
    }
  }

  private deliveredKeys(): string {
    return JSON.stringify([...this.delivered.keys()]);
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
