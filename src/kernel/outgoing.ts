import { type AggregateState, type AggregateType, applyEvent, type DomainEvent } from "./decider";
import type { Cause, Metadata, OutboxMessage, OutgoingMessage } from "./envelope";
import { invalidRequest } from "./errors";
import type { Reply } from "./replies";

/** The kernel's last line of defence (SPEC §2.8): Queues take 128 KB per message. */
export const maxEnvelopeBytes = 120_000;

const encoder = new TextEncoder();

/** An envelope's size on the wire in UTF-8 bytes; a string of n UTF-16 units takes at most 3n bytes. */
function fitsTheQueue(envelope: unknown): boolean {
  const json = JSON.stringify(envelope);
  return json.length * 3 <= maxEnvelopeBytes || encoder.encode(json).byteLength <= maxEnvelopeBytes;
}

/** Where messages go (SPEC §5.3): subscribers by name, replies by channel. */
export interface Routing {
  destinationsOf(name: string): readonly string[];
  replyDestinations(channel: string | undefined): readonly string[];
}

/** One event about to be appended at its version. */
export interface AppendedEvent<E extends DomainEvent = DomainEvent> {
  version: number;
  eventId: string;
  event: E;
}

/** What one command commits: the state after it, the events to append and the outbox rows. */
export interface CommitPlan<E extends DomainEvent, S extends AggregateState> {
  state: S;
  appended: AppendedEvent<E>[];
  outbox: OutboxMessage[];
}

export interface CommitContext {
  cause: Cause;
  occurredAt: string;
  newId(): string;
  routing: Routing;
}

/**
 * Pure: folds the events into the state, numbers them, and builds every envelope they publish (the
 * event itself for its own context's subscribers, then its integration events) and the replies.
 * Messages nobody subscribes to are left out. An envelope over `maxEnvelopeBytes` refuses the whole
 * command (`invalid request: message too large`) before anything is written.
 */
export function planCommit<C, E extends DomainEvent, S extends AggregateState>(
  type: AggregateType<C, E, S>,
  before: S,
  change: { events: readonly E[]; replies?: readonly Reply[] },
  ctx: CommitContext,
): CommitPlan<E, S> {
  let state = before;
  const appended: AppendedEvent<E>[] = [];
  const outbox: OutboxMessage[] = [];
  const enqueue = (m: OutgoingMessage, destinations: readonly string[], headers: Partial<Metadata>, id = ctx.newId()) => {
    if (destinations.length === 0) return;
    const metadata: Metadata = { ...ctx.cause, ...headers, ...m.metadata };
    const envelope = { id, name: m.name, payload: m.payload, metadata, occurredAt: ctx.occurredAt };
    if (!fitsTheQueue(envelope)) throw invalidRequest("message too large");
    outbox.push({ envelope, destinations });
  };
  for (const event of change.events) {
    state = applyEvent(type.decider, state, event);
    const eventId = ctx.newId();
    appended.push({ version: state.version, eventId, event });
    const source = { aggregateName: type.name, aggregateId: before.id, aggregateVersion: state.version };
    enqueue(event, ctx.routing.destinationsOf(event.name), source, eventId);
    for (const m of type.publish(event, state)) enqueue(m, ctx.routing.destinationsOf(m.name), source);
  }
  for (const reply of change.replies ?? []) {
    const { channel, ...message } = reply;
    enqueue(message, ctx.routing.replyDestinations(channel), {});
  }
  return { state, appended, outbox };
}

/** Snapshot policy of SPEC §2.6: one is due when the version crosses a multiple of `every`. */
export const snapshotDue = (from: number, to: number, every: number): boolean => Math.floor(to / every) > Math.floor(from / every);
