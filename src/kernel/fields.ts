import { z } from "zod";
import { roundMoney } from "./money";

/**
 * Request field types of SPEC §2.4: a missing or null field takes its zero value, a field of the
 * wrong type is an invalid request, money is rounded to cents and quantities are integers.
 * Each also enforces its limit of SPEC §2.8, so a value over it is an invalid request naming the field.
 */

/** Longest text of each kind, in Unicode code points after trimming (SPEC §2.8). */
export const maxLength = { name: 100, location: 200, description: 1_000, sku: 64, smsNumber: 32, botId: 64, id: 128 } as const;
/** Largest money value in currency units, either sign: every total stays a safe integer in cents. */
const maxMoney = 10_000_000;
const maxQuantity = 10_000;
/** Most entries of a request list (`items`). */
const maxEntries = 100;

const controlCharacter = /[\u0000-\u001f\u007f]/;

/** Code points, not UTF-16 units: an emoji counts once. */
export const codePoints = (s: string) => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/** Text of at most `max` code points after trimming, without control characters anywhere. */
export const text = (max: number) =>
  z
    .string()
    .refine((v) => !controlCharacter.test(v) && codePoints(v.trim()) <= max)
    // OpenAPI only; the check above is the rule (it counts after trimming)
    .meta({ maxLength: max, pattern: "^[^\\u0000-\\u001F\\u007F]*$" })
    .nullish()
    .transform((v) => v ?? "");

/** An id in a request body. */
export const id = () => text(maxLength.id);

/** Checked before rounding, so 10,000,000.004 is refused too. */
export const money = () =>
  z
    .number()
    .min(-maxMoney)
    .max(maxMoney)
    .nullish()
    .transform((v) => roundMoney(v ?? 0));

/** Negative quantities pass: the domain refuses them with its own text. */
export const quantity = () =>
  z
    .number()
    .int()
    .max(maxQuantity)
    .nullish()
    .transform((v) => v ?? 0);

export const flag = () =>
  z
    .boolean()
    .nullish()
    .transform((v) => v ?? false);

export const list = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .max(maxEntries)
    .nullish()
    .transform((v) => v ?? []);

/** A request body object; unknown fields are ignored. */
export const body = <T extends z.ZodRawShape>(shape: T) => z.object(shape);

export const empty = () => z.object({});
