/** Structured JSON log lines (SPEC §7 "Logs"). */
export type LogFields = Record<string, unknown>;

export function logInfo(msg: string, fields: LogFields = {}): void {
  console.log(JSON.stringify({ level: "info", msg, ...fields }));
}

export function logError(msg: string, error: unknown, fields: LogFields = {}): void {
  const cause = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ""}` : String(error);
  console.error(JSON.stringify({ level: "error", msg, ...fields, cause }));
}
