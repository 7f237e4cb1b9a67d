import { z } from "zod";

/** The generic replies a saga command is answered with (SPEC §4.3, §5.6). */
export const sagaReplies = {
  "am.Success": z.object({}).loose(),
  "am.Failure": z.object({ code: z.number().int(), message: z.string() }),
} as const;
