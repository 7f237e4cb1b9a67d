import { type AggregateType, aggregateType } from "../../src/kernel/decider";
import type { OutgoingMessage } from "../../src/kernel/envelope";
import { AggregateObject } from "../../objects/aggregate-object";
import { type Counter, type CounterCommand, type CounterEvent, counterType } from "../toy/counter";

/**
 * The Worker the integration tests run: the real entry (its fetch/queue handlers and every object
 * class) plus ToyObject, the kernel's aggregate object hosting the toy counter under the test-only
 * binding TOY (vitest.config.ts; wrangler.toml does not know it).
 */
export { default } from "../../src/index";
export * from "../../src/index";

/**
 * Routing comes from the project's modules (queues/topology.ts), so no context subscribes to `toy.*` or
 * `toyapi.*`: the kernel leaves those out of the outbox. To exercise the relay, the hosted counter also
 * announces its opening and its additions under names with real subscribers, payloads valid under the
 * Stores contract: `storesapi.StoreCreated` and `storesapi.StoreRebranded` (consumed by baskets and
 * depot). Tests capture the queues, except where a real delivery is the point: the depot's store
 * cache then shows the message arrived.
 */
export const routedCounterType: AggregateType<CounterCommand, CounterEvent, Counter, OutgoingMessage> = aggregateType({
  name: counterType.name,
  entity: "counter",
  decider: counterType.decider,
  visible: counterType.visible,
  successReply: counterType.successReply,
  publish(event, counter) {
    const own: OutgoingMessage[] = counterType.publish(event, counter);
    switch (event.name) {
      case "toy.Opened":
        return [...own, { name: "storesapi.StoreCreated", payload: { id: counter.id, name: counter.label, location: "toy" } }];
      case "toy.Added":
        return [...own, { name: "storesapi.StoreRebranded", payload: { id: counter.id, name: `${counter.label} ${counter.count}` } }];
      default:
        return own;
    }
  },
});

export class ToyObject extends AggregateObject<CounterCommand, CounterEvent, Counter> {
  protected readonly type = routedCounterType;
}
