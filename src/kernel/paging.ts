import { z } from "zod";
import { invalidRequest } from "./errors";

/** Paging of SPEC §2.4: `limit` defaults when absent or ≤ 0 and is capped; `next` is an opaque cursor. */
export function pageLimit(limit: number, fallback: number, max = 100): number {
  return limit <= 0 ? fallback : Math.min(limit, max);
}

/** Query-string integer: absent or empty → 0; anything else must be an integer. */
export const queryInt = () =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === "") return 0;
      const n = Number(v);
      if (!Number.isInteger(n)) {
        ctx.addIssue({ code: "custom", message: "not an integer" });
        return z.NEVER;
      }
      return n;
    });

export const queryText = () =>
  z
    .string()
    .optional()
    .transform((v) => v ?? "");

export function encodeCursor(position: readonly (string | number)[]): string {
  return btoa(JSON.stringify(position)).replace(/=+$/, "");
}

/** Decodes a cursor made by encodeCursor with the given shape; `""` is the first page (null). */
export function decodeCursor<T extends readonly ("string" | "number")[]>(next: string, shape: T): (string | number)[] | null {
  if (next === "") return null;
  try {
    const value: unknown = JSON.parse(atob(next));
    if (Array.isArray(value) && value.length === shape.length && value.every((v, i) => typeof v === shape[i])) return value;
  } catch {}
  throw invalidRequest("next");
}
