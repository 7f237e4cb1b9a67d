import type { Envelope } from "./envelope";

/** Error codes of SPEC §2.5 and their HTTP statuses. */
export const Code = {
  InvalidArgument: 3,
  NotFound: 5,
  AlreadyExists: 6,
  FailedPrecondition: 9,
  Aborted: 10,
  Internal: 13,
  Unauthenticated: 16,
} as const;
export type ErrorCode = (typeof Code)[keyof typeof Code];

const statusOf: Record<ErrorCode, 400 | 401 | 404 | 409 | 500> = {
  3: 400,
  5: 404,
  6: 409,
  9: 400,
  10: 409,
  13: 500,
  16: 401,
};

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
}

/** A rule violation or expected failure; anything else thrown is an internal error. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "DomainError";
  }
  toInfo(): ErrorInfo {
    return { code: this.code, message: this.message };
  }
  static from(info: ErrorInfo): DomainError {
    return new DomainError(info.code, info.message);
  }
}

export const invalid = (message: string) => new DomainError(Code.InvalidArgument, message);
export const notFound = (message: string) => new DomainError(Code.NotFound, message);
export const invalidRequest = (detail: string) => invalid(`invalid request: ${detail}`);
export const concurrencyConflict = () =>
  new DomainError(Code.Aborted, "the aggregate was modified concurrently");
export const internal = (message = "internal error") => new DomainError(Code.Internal, message);

export function httpStatus(code: ErrorCode): 400 | 401 | 404 | 409 | 500 {
  return statusOf[code] ?? 500;
}

export function errorBody(info: ErrorInfo) {
  return { code: info.code, message: info.message, details: [] as unknown[] };
}

/** Results crossing a Durable Object RPC boundary are values, never thrown (ARCHITECTURE rule 6). */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

/**
 * The outcome of a message-driven command: a failure may already have been answered with a reply.
 * `duplicate` marks a result recorded by an earlier delivery (only the consumer's log line uses it);
 * `reply` is the command's reply, handed back to a caller that takes it (see `ReplyToCaller`).
 */
export type HandleResult<T> = ({ ok: true; value: T } | { ok: false; error: ErrorInfo; replied?: boolean }) & {
  duplicate?: boolean;
  reply?: Envelope;
};

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (error: ErrorInfo): Result<never> => ({ ok: false, error });

/** Unwraps an RPC result, rethrowing its error as a DomainError for the HTTP error mapping. */
export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw DomainError.from(result.error);
}
