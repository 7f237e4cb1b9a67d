import type { Module } from "../src/kernel/module";
import type { Routing } from "../src/kernel/outgoing";
import { modules } from "../src/modules";

/**
 * Routing of SPEC §5.6, derived from the modules as the reference system subscribes on the consumer's
 * side: a message goes to the queue of every context whose handlers name it; a reply goes to the
 * context of the saga whose reply channel the command carried, whatever its name.
 */
export interface Topology extends Routing {
  contexts: readonly string[];
  /** Every message name some context consumes. */
  routedMessageNames(): string[];
}

export function buildTopology(list: readonly Module[]): Topology {
  const subscribers = new Map<string, string[]>();
  const replyChannels = new Map<string, string>();
  for (const m of list) {
    const replies = new Set((m.sagas ?? []).flatMap((saga) => Object.keys(saga.replies)));
    for (const name of Object.keys(m.handlers)) {
      if (!replies.has(name)) subscribers.set(name, [...(subscribers.get(name) ?? []), m.name]);
    }
    for (const saga of m.sagas ?? []) replyChannels.set(saga.definition.replyChannel, m.name);
  }
  return {
    contexts: list.map((m) => m.name),
    routedMessageNames: () => [...subscribers.keys()],
    destinationsOf: (name) => subscribers.get(name) ?? [],
    replyDestinations: (channel) => {
      const context = channel === undefined ? undefined : replyChannels.get(channel);
      return context ? [context] : [];
    },
  };
}

export const topology = buildTopology(modules);

export type Context = string;
export const contexts = topology.contexts;

export const queueName = (context: string): string => `mallbots-${context}`;

/** Producer binding of a context's inbound queue, e.g. `Q_STORES`. */
export const queueBinding = (context: string): QueueBinding => `Q_${context.toUpperCase()}`;
export type QueueBinding = `Q_${string}`;

/** Parses `mallbots-<context>` or `mallbots-<context>-dlq`. */
export function parseQueueName(queue: string): { context: Context; deadLetter: boolean } | null {
  const match = /^mallbots-([a-z]+)(-dlq)?$/.exec(queue);
  if (!match) return null;
  const context = contexts.find((c) => c === match[1]);
  return context ? { context, deadLetter: match[2] !== undefined } : null;
}
