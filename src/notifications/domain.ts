import { toCents } from "../kernel/money";
import type { NotificationKind } from "./contract";

/** The pure rules of SPEC §3.7: message texts, the retry schedule, and what is safe to log of the webhook. */

/** A total with exactly 2 decimals, from its whole cents (41.96 → "41.96", 10 → "10.00", -1.5 → "-1.50"). */
export function formatTotal(total: number): string {
  const cents = toCents(total);
  const abs = Math.abs(cents);
  return `${cents < 0 ? "-" : ""}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

export function messageText(kind: NotificationKind, name: string, orderId: string, total = 0): string {
  switch (kind) {
    case "order_created":
      return `Hi ${name}, we have received your order ${orderId}.`;
    case "order_ready":
      return `Hi ${name}, your order ${orderId} is ready for pickup. Amount due: ${formatTotal(total)}.`;
    case "order_canceled":
      return `Hi ${name}, your order ${orderId} has been canceled.`;
    case "order_completed":
      return `Hi ${name}, your order ${orderId} is complete. Thank you!`;
  }
}

/** After this many failed attempts a notification is `failed` and no longer retried. */
export const maxAttempts = 5;
/** SPEC's backoff base; `SMS_RETRY_BASE_SECONDS` overrides it (src/kernel/config.ts). */
export const retryBaseMs = 30_000;
export const webhookTimeoutMs = 5_000;
/**
 * A new pending row, or one a sweep has claimed, is due again this long later: the attempt in
 * progress ends well within it (5 s timeout), and if the runtime dies first, a later sweep sends it.
 */
export const attemptLeaseMs = 30_000;
/** Rows one sweep claims at most. */
export const sweepBatch = 50;

/** Delay before the next attempt after `attempts` failures: 30 s × 2^(attempts−1). */
export const retryDelayMs = (attempts: number, baseMs = retryBaseMs): number => baseMs * 2 ** (attempts - 1);

/** The row's next state after one more failed attempt at `now` (epoch ms). */
export function afterFailure(
  attemptsBefore: number,
  now: number,
  baseMs = retryBaseMs,
): { attempts: number; delivery: "pending" | "failed"; nextAttemptAt: string } {
  const attempts = attemptsBefore + 1;
  return attempts >= maxAttempts
    ? { attempts, delivery: "failed", nextAttemptAt: "" }
    : { attempts, delivery: "pending", nextAttemptAt: new Date(now + retryDelayMs(attempts, baseMs)).toISOString() };
}

/** The webhook URL without its credentials, for logs (SPEC §7: no line contains a secret). */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = "";
    parsed.password = "";
    return parsed.toString();
  } catch {
    return "(unparsable URL)";
  }
}

/** The URL to POST to and, when it carries user:password, the Basic authorization they stand for. */
export function webhookTarget(url: string): { url: string; authorization?: string } {
  const parsed = new URL(url);
  if (parsed.username === "" && parsed.password === "") return { url: parsed.toString() };
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = "";
  parsed.password = "";
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  return { url: parsed.toString(), authorization: `Basic ${btoa(String.fromCharCode(...bytes))}` };
}

/** An error text with any trace of the webhook's credentials removed. */
export function scrubSecrets(text: string, url: string): string {
  let out = text;
  try {
    const parsed = new URL(url);
    const secrets = [url, parsed.username && parsed.password ? `${parsed.username}:${parsed.password}` : "", parsed.password, parsed.username];
    for (const s of secrets.filter((s) => s.length >= 3)) out = out.split(s).join(s === url ? redactUrl(url) : "***");
  } catch {
    out = out.split(url).join("(webhook URL)");
  }
  return out;
}
