/**
 * Runs an object's schema script once per storage, and again only when the script changes. Objects are
 * constructed on every load (and after each eviction); re-running every `CREATE … IF NOT EXISTS` and the
 * outbox backfill each time costs more than the one lookup that proves it was done.
 *
 * The script that ran is marked by an empty view named after its fingerprint: a new object writes two rows
 * for it, where the table of fingerprints it replaced (a table, its key index and a row) cost five.
 */
export function ensureSchema(sql: SqlStorage, script: string): void {
  let marker = markers.get(script);
  if (marker === undefined) markers.set(script, (marker = `schema_${script.length}_${hash(script)}`));
  const earlier = sql
    .exec<{ type: string; name: string }>(
      `SELECT type, name FROM sqlite_master WHERE (type = 'view' AND name LIKE 'schema\\_%' ESCAPE '\\') OR name = 'schema_applied'`,
    )
    .toArray();
  if (earlier.some((m) => m.name === marker)) return;
  sql.exec(script);
  // the marker of an older script, or the fingerprint table objects kept before the markers
  for (const m of earlier) sql.exec(`DROP ${m.type === "view" ? "VIEW" : "TABLE"} "${m.name}"`);
  sql.exec(`CREATE VIEW "${marker}" AS SELECT 1`);
}

/** Each object class's marker name, computed once per isolate rather than on every construction. */
const markers = new Map<string, string>();

/** FNV-1a over UTF-16 code units: enough to tell two schema scripts apart. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16);
}
