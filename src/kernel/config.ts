/** Tunables of SPEC §1.4 with their defaults, read from wrangler.toml [vars] and secrets. */
export interface ConfigVars {
  SNAPSHOT_EVERY?: string;
  SAGA_REPLY_TIMEOUT_SECONDS?: string;
  QUEUE_RETRY_BASE_SECONDS?: string;
  ADMIN_TOKEN?: string;
  /** Lowest level written to the log (SPEC §7): debug, info, warn or error; default info. */
  LOG_LEVEL?: string;
  SMS_WEBHOOK_URL?: string;
  /** Comma-separated origins allowed to call the API from a browser ("*": any); unset → no CORS headers. */
  CORS_ORIGINS?: string;
  /** SMS retry backoff base (SPEC §3.7: 30 s); the e2e tests use 0 to retry at the next sweep. */
  SMS_RETRY_BASE_SECONDS?: string;
  /**
   * How saga commands and replies travel: "direct" (default) from the sender's outbox relay to the
   * receiving context's handler, or "queues" like integration events (docs/architecture.md).
   */
  SAGA_DELIVERY?: string;
  /** Test-only fault injection: "skip-immediate" leaves the outbox to the alarm, as after a crash. */
  OUTBOX_RELAY_FAULT?: string;
  /** Test-only fault injection: comma-separated contexts whose consumers defer every message, as if stalled. */
  STALL_QUEUES?: string;
  /**
   * "true" lets the two fault switches above act. Only test harnesses set it (wrangler dev --var, the
   * vitest miniflare options); wrangler.toml never does (test/unit/wrangler-config.test.ts), so a fault
   * variable set by mistake in production is ignored.
   */
  ALLOW_TEST_FAULTS?: string;
  /** "true" writes usage lines for the cost bench (src/kernel/usage.ts); unset → off, at no cost. */
  USAGE_LOG?: string;
}

export interface Config {
  snapshotEvery: number;
  sagaReplyTimeoutSeconds: number;
  queueRetryBaseSeconds: number;
  skipImmediateRelay: boolean;
  stalledContexts: string[];
  /** Where SMS are POSTed; "" when unset or blank (notifications are then recorded, not delivered). */
  smsWebhookUrl: string;
  smsRetryBaseSeconds: number;
  sagaMessagesDirect: boolean;
}

const positive = (value: string | undefined, fallback: number, min = 1): number => {
  const n = Number(value);
  return value !== undefined && value !== "" && Number.isFinite(n) && n >= min ? n : fallback;
};

export function readConfig(vars: ConfigVars): Config {
  const faults = vars.ALLOW_TEST_FAULTS === "true";
  return {
    snapshotEvery: Math.floor(positive(vars.SNAPSHOT_EVERY, 50)),
    sagaReplyTimeoutSeconds: positive(vars.SAGA_REPLY_TIMEOUT_SECONDS, 30),
    queueRetryBaseSeconds: positive(vars.QUEUE_RETRY_BASE_SECONDS, 10, 0),
    skipImmediateRelay: faults && vars.OUTBOX_RELAY_FAULT === "skip-immediate",
    smsWebhookUrl: (vars.SMS_WEBHOOK_URL ?? "").trim(),
    smsRetryBaseSeconds: positive(vars.SMS_RETRY_BASE_SECONDS, 30, 0),
    sagaMessagesDirect: (vars.SAGA_DELIVERY ?? "").trim().toLowerCase() !== "queues",
    stalledContexts: (faults ? (vars.STALL_QUEUES ?? "") : "").split(",").map((c) => c.trim()).filter(Boolean),
  };
}
