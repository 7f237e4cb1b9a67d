import { z } from "zod";
import { depotReplies } from "../depot/contract";

/** Replies the saga accepts on mallbots-cosec (SPEC §5.6). */
export const sagaReplies = {
  "am.Success": z.object({}).loose(),
  "am.Failure": z.object({ code: z.number().int(), message: z.string() }),
  ...depotReplies,
} as const;
