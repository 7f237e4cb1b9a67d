import type { Envelope } from "./envelope";
import type { Result } from "./errors";

/**
 * Orchestrated sagas (SPEC §4): a definition of steps, and the pure transitions of its state.
 * Nothing here does I/O: the saga object persists the state and sends the commands returned.
 */

export interface SagaCommand {
  name: string;
  payload: unknown;
}

export interface SagaStep<D> {
  /** Forward command, if the step has one. */
  action?(data: D): SagaCommand;
  /** Compensating command, if the step has one. */
  compensation?(data: D): SagaCommand;
  /** SUCCESS reply handlers by reply name: fold what the reply carries into the data. */
  onReply?: Record<string, (data: D, payload: unknown) => D>;
}

export interface SagaDefinition<D> {
  name: string;
  replyChannel: string;
  steps: SagaStep<D>[];
  /** A stale reply that still needs an answer (e.g. cancel an orphan created too late); not awaited. */
  onStaleReply?(data: D, reply: SagaReply): SagaCommand | undefined;
}

export type SagaStatus = "running" | "compensating" | "completed" | "compensated" | "failed";

export interface Awaiting {
  step: number;
  command: string;
  commandId: string;
  /** Epoch milliseconds. */
  deadline: number;
}

export interface HistoryEntry {
  at: string;
  step: number;
  kind: "command" | "reply" | "timeout" | "stale-reply";
  name: string;
  outcome: string;
  messageId: string;
}

export interface SagaState<D> {
  id: string;
  name: string;
  data: D;
  step: number;
  compensating: boolean;
  done: boolean;
  status: SagaStatus;
  awaiting: Awaiting | null;
  lastFailure: string;
  failureReason: string;
  history: HistoryEntry[];
  createdAt: string;
  updatedAt: string;
}

/** What a saga object did with a message. */
/** `duplicate` marks an outcome recorded by an earlier delivery (only the consumer's log line uses it). */
export type SagaOutcome = { handled: "started" | "exists" | "reply" | "stale" | "unknown-saga"; duplicate?: boolean };

/** The RPC surface of a saga object (objects/saga-object.ts). */
export interface SagaRpc<D> {
  start(id: string, handler: string, message: Envelope, data: D): Promise<Result<SagaOutcome>>;
  reply(handler: string, message: Envelope): Promise<Result<SagaOutcome>>;
  get(): Promise<Result<SagaState<D>>>;
}

/** The saga instance named `id` (e.g. an order id) in a saga object namespace. */
export const sagaInstance = <D>(namespace: DurableObjectNamespace, id: string): SagaRpc<D> =>
  namespace.get(namespace.idFromName(id)) as unknown as SagaRpc<D>;

export interface SagaReply {
  messageId: string;
  name: string;
  outcome: "SUCCESS" | "FAILURE";
  payload: unknown;
  /** The command the reply answers (its causationId). */
  causationId: string;
  sagaName: string;
}

/** What a transition wants sent: each command with the id it will carry on the wire. */
export interface Outgoing extends SagaCommand {
  id: string;
}

export interface Transition<D> {
  state: SagaState<D>;
  send: Outgoing[];
}

/** Clock, ids and the step timeout, passed in so transitions stay pure. */
export interface SagaContext {
  now: number;
  newId(): string;
  timeoutMs: number;
}

export const timedOutMessage = "the saga step timed out";
export const failedWhileCompensating = "received failed reply but already compensating";

const iso = (ms: number) => new Date(ms).toISOString();

export function startSaga<D>(def: SagaDefinition<D>, id: string, data: D, ctx: SagaContext): Transition<D> {
  const state: SagaState<D> = {
    id,
    name: def.name,
    data,
    step: -1,
    compensating: false,
    done: false,
    status: "running",
    awaiting: null,
    lastFailure: "",
    failureReason: "",
    history: [],
    createdAt: iso(ctx.now),
    updatedAt: iso(ctx.now),
  };
  return advance(def, state, ctx);
}

/** Moves to the next step that has a command in the current direction, or finishes (SPEC §4.2 step 2). */
export function advance<D>(def: SagaDefinition<D>, state: SagaState<D>, ctx: SagaContext): Transition<D> {
  const dir = state.compensating ? -1 : 1;
  const commandOf = (i: number) => (state.compensating ? def.steps[i]?.compensation : def.steps[i]?.action);
  let i = state.step + dir;
  while (i >= 0 && i < def.steps.length && !commandOf(i)) i += dir;
  if (i < 0 || i >= def.steps.length) {
    return {
      state: { ...state, done: true, status: state.compensating ? "compensated" : "completed", awaiting: null, updatedAt: iso(ctx.now) },
      send: [],
    };
  }
  const command = commandOf(i)!(state.data);
  const commandId = ctx.newId();
  return {
    state: {
      ...state,
      step: i,
      awaiting: { step: i, command: command.name, commandId, deadline: ctx.now + ctx.timeoutMs },
      history: [...state.history, { at: iso(ctx.now), step: i, kind: "command", name: command.name, outcome: "", messageId: commandId }],
      updatedAt: iso(ctx.now),
    },
    send: [{ ...command, id: commandId }],
  };
}

/** Handles a reply (SPEC §4.2 step 3); stale replies change nothing but the history. */
export function onReply<D>(def: SagaDefinition<D>, state: SagaState<D>, reply: SagaReply, ctx: SagaContext): Transition<D> {
  const stale = reply.sagaName !== def.name || state.done || !state.awaiting || reply.causationId !== state.awaiting.commandId;
  if (stale) {
    const entry: HistoryEntry = {
      at: iso(ctx.now),
      step: state.step,
      kind: "stale-reply",
      name: reply.name,
      outcome: reply.outcome,
      messageId: reply.messageId,
    };
    const answer = reply.outcome === "SUCCESS" ? def.onStaleReply?.(state.data, reply) : undefined;
    return {
      state: { ...state, history: [...state.history, entry], updatedAt: iso(ctx.now) },
      send: answer ? [{ ...answer, id: ctx.newId() }] : [],
    };
  }
  const entry: HistoryEntry = {
    at: iso(ctx.now),
    step: state.step,
    kind: "reply",
    name: reply.name,
    outcome: reply.outcome,
    messageId: reply.messageId,
  };
  const recorded = { ...state, history: [...state.history, entry] };
  if (reply.outcome === "SUCCESS") {
    const handler = def.steps[state.step]?.onReply?.[reply.name];
    const data = handler ? handler(state.data, reply.payload) : state.data;
    return advance(def, { ...recorded, data, awaiting: null }, ctx);
  }
  return fail(def, { ...recorded, awaiting: null }, failureMessage(reply.payload), ctx);
}

/** The alarm (SPEC §4.2 step 4): an overdue step fails like a FAILURE reply. */
export function onTimeout<D>(def: SagaDefinition<D>, state: SagaState<D>, ctx: SagaContext): Transition<D> | null {
  if (state.done || !state.awaiting || ctx.now < state.awaiting.deadline) return null;
  const entry: HistoryEntry = {
    at: iso(ctx.now),
    step: state.awaiting.step,
    kind: "timeout",
    name: state.awaiting.command,
    outcome: "FAILURE",
    messageId: state.awaiting.commandId,
  };
  return fail(def, { ...state, history: [...state.history, entry], awaiting: null }, timedOutMessage, ctx);
}

function fail<D>(def: SagaDefinition<D>, state: SagaState<D>, message: string, ctx: SagaContext): Transition<D> {
  if (state.compensating) {
    return {
      state: {
        ...state,
        status: "failed",
        done: true,
        failureReason: failedWhileCompensating,
        lastFailure: message,
        updatedAt: iso(ctx.now),
      },
      send: [],
    };
  }
  // the failed step's own compensation is not run: advance backwards from it
  return advance(def, { ...state, compensating: true, status: "compensating", lastFailure: message }, ctx);
}

function failureMessage(payload: unknown): string {
  const message = (payload as { message?: unknown } | null)?.message;
  return typeof message === "string" ? message : "";
}
