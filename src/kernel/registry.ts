import type { z } from "zod";

/** Message name → payload schema, for every event, command and reply on the wire. */
export type MessageSchemas = Readonly<Record<string, z.ZodType>>;

/** Joins the contracts of every context; a name registered twice is a programming error. */
export function buildRegistry(...contracts: MessageSchemas[]): MessageSchemas {
  const registry: Record<string, z.ZodType> = {};
  for (const contract of contracts) {
    for (const [name, schema] of Object.entries(contract)) {
      if (registry[name]) throw new Error(`message ${name} registered twice`);
      registry[name] = schema;
    }
  }
  return registry;
}
