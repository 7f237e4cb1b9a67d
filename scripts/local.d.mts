import type { ChildProcess } from "node:child_process";

export const root: string;
export const quietEnv: NodeJS.ProcessEnv;
export function d1Bindings(): string[];
export function migrate(persistTo: string): void;
export function startDev(options: {
  port: number;
  persistTo: string;
  vars?: Record<string, string>;
  stdio?: "inherit" | "ignore" | "pipe";
  timeoutMs?: number;
}): Promise<ChildProcess>;
export const cronPath: string;
export function fireCron(port: number): Promise<void>;
export function startCron(port: number, everyMs?: number, report?: (error: Error) => void): { stop(): void };
export function stopDev(child: ChildProcess, signal?: NodeJS.Signals): Promise<void>;
