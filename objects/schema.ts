/**
 * Runs an object's schema script once per storage, and again only when the script changes. Objects are
 * constructed on every load (and after each eviction); re-running every `CREATE … IF NOT EXISTS` and the
 * outbox backfill each time costs more than the one lookup that proves it was done.
 */
export function ensureSchema(sql: SqlStorage, script: string): void {
  let fingerprint = fingerprints.get(script);
  if (fingerprint === undefined) fingerprints.set(script, (fingerprint = `${script.length}:${hash(script)}`));
  if (applied(sql, fingerprint)) return;
  sql.exec(script);
  sql.exec("CREATE TABLE IF NOT EXISTS schema_applied (fingerprint TEXT PRIMARY KEY)");
  sql.exec("INSERT OR IGNORE INTO schema_applied (fingerprint) VALUES (?)", fingerprint);
}

/** Each object class's script, hashed once per isolate rather than on every construction. */
const fingerprints = new Map<string, string>();

/** Whether the script with this fingerprint has run here; a new storage has no schema_applied table yet. */
function applied(sql: SqlStorage, fingerprint: string): boolean {
  try {
    return sql.exec("SELECT 1 FROM schema_applied WHERE fingerprint = ?", fingerprint).toArray().length > 0;
  } catch (error) {
    if (String(error).includes("no such table")) return false;
    throw error;
  }
}

/** FNV-1a over UTF-16 code units: enough to tell two schema scripts apart. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16);
}
