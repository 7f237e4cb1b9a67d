import type { Route } from "./api";
import { DomainError, type ErrorInfo } from "./errors";
import { codePoints, maxLength } from "./fields";

/** A path id longer than an id may be names nothing (SPEC §2.8); counted in code points, untrimmed. */
export const tooLongForAnId = (pathId: string) => codePoints(pathId) > maxLength.id;

/**
 * Wraps a `commandRouteFor` builder: its routes answer `notFound` for an `{id}` too long for an id, as for
 * any unknown id but without calling the object. The check runs after the body is validated, where the
 * object's existence check would.
 */
export function longIdsUnknown<B extends (def: never) => Route>(notFound: ErrorInfo, builder: B): B {
  return ((def: never) => {
    const route = builder(def);
    return {
      ...route,
      handle: async (c, input) => {
        if (tooLongForAnId((input.params as { id: string }).id)) throw DomainError.from(notFound);
        return route.handle(c, input);
      },
    } satisfies Route;
  }) as B;
}
