import { type AggregateState, applyEvent, type Decider, type DomainEvent } from "../src/kernel/decider";
import type { Cause } from "../src/kernel/envelope";
import { concurrencyConflict } from "../src/kernel/errors";
import type { StreamPage } from "../src/kernel/objects";
import type { AppendedEvent } from "../src/kernel/outgoing";

/** The event log's tables; the owning object's schema script includes them (objects/schema.ts). */
export const eventStoreSchema = [
  `CREATE TABLE IF NOT EXISTS events (version INTEGER PRIMARY KEY, event_id TEXT NOT NULL,
     name TEXT NOT NULL, payload TEXT NOT NULL, metadata TEXT NOT NULL, occurred_at TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS snapshots (version INTEGER PRIMARY KEY, name TEXT NOT NULL,
     state TEXT NOT NULL, created_at TEXT NOT NULL)`,
].join(";\n");

/** A stream loaded into memory: the state, its first and last event times, and how it was read. */
export interface LoadedStream<S> {
  state: S;
  createdAt: string;
  updatedAt: string;
  /** Proves snapshots are used: the snapshot loaded from and how many newer events were applied. */
  stats: { snapshotVersion: number; eventsRead: number };
}

/** One aggregate's event log and latest snapshot in its object's SQLite (SPEC §2.6). */
export class EventStore {
  constructor(private readonly sql: SqlStorage) {}

  /** The latest snapshot, then every newer event (or a replay from version 1). */
  load<E extends DomainEvent, S extends AggregateState>(decider: Decider<unknown, E, S>, id: string): LoadedStream<S> {
    // the latest snapshot (if any) and the first and last event times, in one statement
    const head = this.sql
      .exec<{ version: number | null; state: string | null; first: string | null; last: string | null }>(
        `SELECT s.version, s.state, (SELECT occurred_at FROM events ORDER BY version LIMIT 1) AS first,
           (SELECT occurred_at FROM events ORDER BY version DESC LIMIT 1) AS last
         FROM (SELECT 1) LEFT JOIN (SELECT version, state FROM snapshots ORDER BY version DESC LIMIT 1) s ON 1`,
      )
      .one();
    let state: S = head.state !== null ? (JSON.parse(head.state) as S) : decider.initialState(id);
    let eventsRead = 0;
    for (const row of this.sql.exec<{ name: string; payload: string }>(
      "SELECT name, payload FROM events WHERE version > ? ORDER BY version",
      state.version,
    )) {
      state = applyEvent(decider, state, { name: row.name, payload: JSON.parse(row.payload) } as E);
      eventsRead++;
    }
    return {
      state,
      createdAt: head.first ?? "",
      updatedAt: head.last ?? "",
      stats: { snapshotVersion: head.version ?? 0, eventsRead },
    };
  }

  /** Appends after checking the stored version is the expected one (SPEC §2.6); call inside a transaction. */
  append(expectedVersion: number, events: readonly AppendedEvent[], cause: Cause, occurredAt: string): void {
    const stored = this.sql.exec<{ v: number }>("SELECT COALESCE(MAX(version), 0) AS v FROM events").one().v;
    if (stored !== expectedVersion) throw concurrencyConflict();
    const metadata = JSON.stringify({ correlationId: cause.correlationId, causationId: cause.causationId });
    for (const a of events) {
      this.sql.exec(
        "INSERT INTO events (version, event_id, name, payload, metadata, occurred_at) VALUES (?, ?, ?, ?, ?, ?)",
        a.version,
        a.eventId,
        a.event.name,
        JSON.stringify(a.event.payload),
        metadata,
        occurredAt,
      );
    }
  }

  /** Keeps only the latest snapshot; call inside the append's transaction. */
  saveSnapshot(name: string, state: AggregateState, at: string): void {
    this.sql.exec("INSERT INTO snapshots (version, name, state, created_at) VALUES (?, ?, ?, ?)", state.version, name, JSON.stringify(state), at);
    this.sql.exec("DELETE FROM snapshots WHERE version < ?", state.version);
  }

  /** A page of the stream for the admin API. */
  read(fromVersion: number, limit: number): StreamPage {
    const rows = this.sql
      .exec<{ version: number; event_id: string; name: string; payload: string; metadata: string; occurred_at: string }>(
        "SELECT * FROM events WHERE version >= ? ORDER BY version LIMIT ?",
        fromVersion,
        limit,
      )
      .toArray();
    const { version, snapshotVersion } = this.sql
      .exec<{ version: number; snapshotVersion: number }>(
        "SELECT COALESCE((SELECT MAX(version) FROM events), 0) AS version, COALESCE((SELECT MAX(version) FROM snapshots), 0) AS snapshotVersion",
      )
      .one();
    return {
      version,
      snapshotVersion,
      events: rows.map((r) => ({
        version: r.version,
        eventId: r.event_id,
        name: r.name,
        payload: JSON.parse(r.payload),
        metadata: JSON.parse(r.metadata),
        occurredAt: r.occurred_at,
      })),
    };
  }
}
