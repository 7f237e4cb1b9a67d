/** Structured JSON log lines (SPEC §7 "Logs"). */
export type LogFields = Record<string, unknown>;

export function logInfo(msg: string, fields: LogFields = {}): void {
  console.log(JSON.stringify({ level: "info", msg, ...fields }));
}

export function logError(msg: string, error: unknown, fields: LogFields = {}): void {
  const cause = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ""}` : String(error);
  console.error(JSON.stringify({ level: "error", msg, ...fields, cause }));
}

/** An error as stored for operators (`last_error`): name and message, without the stack. */
export function describeError(error: unknown): string {
  return (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 2000);
}
