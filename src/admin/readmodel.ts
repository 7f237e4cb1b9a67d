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

export async function listDeadLetters(db: D1Database, context: string, limit: number, next: string) {
  const after = decodeCursor(next, ["string", "string"] as const);
  const { results } = await db
    .prepare(
      `SELECT * FROM dead_letters
       WHERE (?1 = '' OR context = ?1) AND (?2 IS NULL OR (dead_lettered_at, id) < (?2, ?3))
       ORDER BY dead_lettered_at DESC, id DESC LIMIT ?4`,
    )
    .bind(context, after?.[0] ?? null, after?.[1] ?? null, limit + 1)
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
