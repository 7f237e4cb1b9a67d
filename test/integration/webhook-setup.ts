import type { TestProject } from "vitest/node";
import { startWebhook } from "../e2e/webhook";

/** Global setup of the workers project: a real webhook server in Node for the delivery tests (stopped after the run). */
export default async function setup(project: TestProject) {
  const hook = await startWebhook();
  project.provide("webhookUrl", hook.url);
  return () => hook.close();
}

declare module "vitest" {
  export interface ProvidedContext {
    webhookUrl: string;
  }
}
