import type { Envelope } from "../src/kernel/envelope";
import type { Context } from "./topology";

/**
 * A dead letter is unique per (context, message id): one that dies again (e.g. after a replay) updates
 * its row and keeps its replay count.
 */
export const deadLetterUpsert = `ON CONFLICT (context, message_id) DO UPDATE SET envelope = excluded.envelope,
  attempts = excluded.attempts, last_error = excluded.last_error, dead_lettered_at = excluded.dead_lettered_at`;

/** Records a copy the outbox relay gave up on (SPEC §2.8), as the DLQ consumer records a dead message. */
export async function storeDeadLetter(
  db: D1Database,
  letter: { context: Context; envelope: Envelope; attempts: number; lastError: string; at: string },
): Promise<void> {
  const { context, envelope } = letter;
  await db
    .prepare(
      `INSERT INTO dead_letters (id, context, message_id, name, envelope, attempts, last_error, dead_lettered_at, replay_count)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0) ${deadLetterUpsert}`,
    )
    .bind(crypto.randomUUID(), context, envelope.id, envelope.name, JSON.stringify(envelope), letter.attempts, letter.lastError, letter.at)
    .run();
}
