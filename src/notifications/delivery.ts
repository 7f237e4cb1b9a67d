import type { Env } from "../env";
import { readConfig } from "../kernel/config";
import { describeError, logError, logInfo, logWarn } from "../kernel/log";
import { afterFailure, attemptLeaseMs, redactUrl, scrubSecrets, sweepBatch, webhookTarget, webhookTimeoutMs } from "./domain";
import { claimDue, markFailed, markSent, type Outgoing } from "./readmodel";

/** SMS delivery through the webhook (SPEC §3.7): one POST per attempt, its outcome recorded on the row. */

export type SendResult = { ok: true; status: number } | { ok: false; error: string };

/**
 * POSTs `{to, message}` with the notification id as `Idempotency-Key`, giving up after 5 s. Any 2xx
 * is delivered; anything else (status, network error, timeout) is a failure described without the
 * URL's credentials. Never throws.
 */
export async function postSms(webhookUrl: string, sms: { id: string; to: string; message: string }): Promise<SendResult> {
  try {
    const target = webhookTarget(webhookUrl);
    const response = await fetch(target.url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "Idempotency-Key": sms.id,
        ...(target.authorization ? { Authorization: target.authorization } : {}),
      },
      body: JSON.stringify({ to: sms.to, message: sms.message }),
      signal: AbortSignal.timeout(webhookTimeoutMs),
    });
    // drain the body so the connection is released
    await response.body?.cancel();
    if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status };
    return { ok: false, error: `webhook answered HTTP ${response.status}` };
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === "TimeoutError" || /timed? ?out/i.test(error.message));
    const text = timedOut ? `webhook timeout after ${webhookTimeoutMs} ms` : `webhook request failed: ${describeError(error)}`;
    return { ok: false, error: scrubSecrets(text, webhookUrl) };
  }
}

/**
 * One attempt for one row and its recorded outcome: `sent` with `sent_at`, or one more failure
 * (`failed` after the 5th). A failure to record is logged; the row stays pending and the sweep retries.
 */
export async function attempt(env: Env, webhookUrl: string, row: Outgoing, now: () => number = Date.now): Promise<void> {
  const db = env.NOTIFICATIONS_DB;
  const result = await postSms(webhookUrl, { id: row.id, to: row.smsNumber, message: row.message });
  try {
    const at = now();
    if (result.ok) {
      await markSent(db, row.id, row.attempts, new Date(at).toISOString()).run();
      logInfo("sms sent", { notificationId: row.id, attempt: row.attempts + 1, status: result.status });
      return;
    }
    const next = afterFailure(row.attempts, at, readConfig(env).smsRetryBaseSeconds * 1000);
    await markFailed(db, row.id, row.attempts, next, result.error).run();
    logWarn("sms delivery failed", {
      notificationId: row.id,
      attempt: next.attempts,
      delivery: next.delivery,
      nextAttemptAt: next.nextAttemptAt,
      error: result.error,
      webhook: redactUrl(webhookUrl),
    });
  } catch (error) {
    logError("recording an sms outcome failed", error, { notificationId: row.id });
  }
}

/**
 * The cron sweep: claims up to 50 pending rows that are due at `at` (oldest due first) and tries
 * each once, concurrently, so a run ends within about one webhook timeout. Nothing to do without a
 * webhook.
 */
export async function sweep(env: Env, at: number): Promise<number> {
  const webhookUrl = readConfig(env).smsWebhookUrl;
  if (webhookUrl === "") return 0;
  const lease = new Date(at + attemptLeaseMs).toISOString();
  const rows = await claimDue(env.NOTIFICATIONS_DB, new Date(at).toISOString(), lease, sweepBatch);
  await Promise.all(rows.map((row) => attempt(env, webhookUrl, row, () => Math.max(Date.now(), at))));
  if (rows.length > 0) logInfo("sms sweep", { retried: rows.length });
  return rows.length;
}
