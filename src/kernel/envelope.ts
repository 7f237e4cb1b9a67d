import { z } from "zod";

/** Metadata of SPEC §5.1. Saga headers are present only on commands and replies. */
export const metadataSchema = z
  .object({
    correlationId: z.string(),
    causationId: z.string(),
    aggregateName: z.string().optional(),
    aggregateId: z.string().optional(),
    aggregateVersion: z.number().int().optional(),
    COMMAND_REPLY_CHANNEL: z.string().optional(),
    COMMAND_SAGA_ID: z.string().optional(),
    COMMAND_SAGA_NAME: z.string().optional(),
    REPLY_OUTCOME: z.enum(["SUCCESS", "FAILURE"]).optional(),
    REPLY_SAGA_ID: z.string().optional(),
    REPLY_SAGA_NAME: z.string().optional(),
  })
  .loose();
export type Metadata = z.infer<typeof metadataSchema>;

export const envelopeSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  payload: z.unknown(),
  metadata: metadataSchema,
  occurredAt: z.string(),
});

export interface Envelope<P = unknown> {
  id: string;
  name: string;
  payload: P;
  metadata: Metadata;
  occurredAt: string;
}

/** A message an aggregate wants to publish: the object gives it an id, metadata and time. */
export interface OutgoingMessage {
  name: string;
  payload: unknown;
  /** Extra metadata, e.g. saga headers. */
  metadata?: Partial<Metadata>;
}

/** What a request or a message passes down as the origin of the work it causes. */
export interface Cause {
  correlationId: string;
  causationId: string;
}

export const newId = (): string => crypto.randomUUID();
export const nowIso = (): string => new Date().toISOString();

/** An outbox row: the envelope and the contexts whose queues receive it. */
export interface OutboxMessage {
  envelope: Envelope;
  destinations: readonly string[];
  /** A reply its command's caller took back with the call: written as sent, never relayed. */
  deliveredByCaller?: boolean;
}
