import { decodeCursor, encodeCursor } from "../kernel/paging";

/** OPS_DB dead letters (SPEC §7). */
interface DeadLetterRow {
  id: string;
  context: string;
  message_id: string;
  name: string;
  envelope: string;
  attempts: number;
  last_error: string;
  dead_lettered_at: string;
  replayed_at: string | null;
  replay_count: number;
}

const parseEnvelope = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

const toDeadLetter = (r: DeadLetterRow) => ({
  id: r.id,
  context: r.context,
  messageId: r.message_id,
  name: r.name,
  envelope: parseEnvelope(r.envelope),
  attempts: r.attempts,
  lastError: r.last_error,
  deadLetteredAt: r.dead_lettered_at,
  replayedAt: r.replayed_at ?? "",
  replayCount: r.replay_count,
});
export type DeadLetter = ReturnType<typeof toDeadLetter>;

const newestFirst = "ORDER BY dead_lettered_at DESC, id DESC LIMIT ?1";

/**
 * The dead-letter page queries, newest first. Each reads a range of an index: `dead_letters_newest
 * (dead_lettered_at, id)`, or `dead_letters_context_newest (context, dead_lettered_at, id)` for one
 * context; a later page starts before the cursor with a row-value comparison (no OR).
 */
export const deadLetterPageSql = {
  first: `SELECT * FROM dead_letters ${newestFirst}`,
  after: `SELECT * FROM dead_letters WHERE (dead_lettered_at, id) < (?2, ?3) ${newestFirst}`,
  contextFirst: `SELECT * FROM dead_letters WHERE context = ?2 ${newestFirst}`,
  contextAfter: `SELECT * FROM dead_letters WHERE context = ?2 AND (dead_lettered_at, id) < (?3, ?4) ${newestFirst}`,
};

export async function listDeadLetters(db: D1Database, context: string, limit: number, next: string) {
  const after = decodeCursor(next, ["string", "string"] as const);
  const byContext = context === "" ? [] : [context];
  const q = deadLetterPageSql;
  const sql = context === "" ? (after ? q.after : q.first) : after ? q.contextAfter : q.contextFirst;
  const { results } = await db
    .prepare(sql)
    .bind(limit + 1, ...byContext, ...(after ?? []))
    .all<DeadLetterRow>();
  const page = results.slice(0, limit);
  const last = page[page.length - 1];
  return {
    deadLetters: page.map(toDeadLetter),
    next: results.length > limit && last ? encodeCursor([last.dead_lettered_at, last.id]) : "",
  };
}

export async function findDeadLetter(db: D1Database, id: string): Promise<DeadLetter | null> {
  const row = await db.prepare("SELECT * FROM dead_letters WHERE id = ?").bind(id).first<DeadLetterRow>();
  return row ? toDeadLetter(row) : null;
}

export const markReplayed = (db: D1Database, id: string) =>
  db
    .prepare("UPDATE dead_letters SET replayed_at = ?, replay_count = replay_count + 1 WHERE id = ?")
    .bind(new Date().toISOString(), id)
    .run();

export const deleteDeadLetter = (db: D1Database, id: string) => db.prepare("DELETE FROM dead_letters WHERE id = ?").bind(id).run();
