import { z } from "zod";
import { roundMoney } from "./money";

/**
 * Request field types of SPEC §2.4: a missing or null field takes its zero value, a field of the
 * wrong type is an invalid request, money is rounded to cents and quantities are integers.
 */
export const text = () =>
  z
    .string()
    .nullish()
    .transform((v) => v ?? "");

export const money = () =>
  z
    .number()
    .nullish()
    .transform((v) => roundMoney(v ?? 0));

export const quantity = () =>
  z
    .number()
    .int()
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
    .nullish()
    .transform((v) => v ?? []);

/** A request body object; unknown fields are ignored. */
export const body = <T extends z.ZodRawShape>(shape: T) => z.object(shape);

export const empty = () => z.object({});
