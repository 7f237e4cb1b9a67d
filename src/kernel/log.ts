/**
 * Structured JSON log lines (SPEC §7 "Logs"), filtered by LOG_LEVEL. A filtered line costs one
 * comparison: it is never serialized. Callers pass ids, names and counts only — never headers, env
 * or URLs with query strings, so no secret (ADMIN_TOKEN, SMS_WEBHOOK_URL) can reach a line.
 */
export type LogFields = Record<string, unknown>;
export type LogLevel = "debug" | "info" | "warn" | "error";

const ranks: Readonly<Record<LogLevel, number>> = { debug: 0, info: 1, warn: 2, error: 3 };
let threshold = ranks.info;

/** The rank of a LOG_LEVEL value; unset or unknown is `info`. */
export function logLevelRank(value: string | undefined): number {
  const key = (value ?? "").trim().toLowerCase();
  return Object.hasOwn(ranks, key) ? ranks[key as LogLevel] : ranks.info;
}

/** Sets the isolate's threshold from LOG_LEVEL; each entry point (fetch, queue, object) calls it with its env. */
export function configureLog(vars: { LOG_LEVEL?: string }): void {
  threshold = logLevelRank(vars.LOG_LEVEL);
}

export const logEnabled = (level: LogLevel): boolean => ranks[level] >= threshold;

export function log(level: LogLevel, msg: string, fields: LogFields = {}): void {
  if (ranks[level] < threshold) return;
  const line = JSON.stringify({ level, msg, ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

export const logDebug = (msg: string, fields?: LogFields): void => log("debug", msg, fields);
export const logInfo = (msg: string, fields?: LogFields): void => log("info", msg, fields);
export const logWarn = (msg: string, fields?: LogFields): void => log("warn", msg, fields);

export function logError(msg: string, error: unknown, fields: LogFields = {}): void {
  const cause = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ""}` : String(error);
  log("error", msg, { ...fields, cause });
}

/** An error as stored for operators (`last_error`): name and message, without the stack. */
export function describeError(error: unknown): string {
  return (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 2000);
}
