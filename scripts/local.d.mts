import type { ChildProcess, StdioOptions } from "node:child_process";

export const root: string;
export const quietEnv: NodeJS.ProcessEnv;
export function d1Bindings(): string[];
export function migrate(persistTo: string): void;
export function applyMigrations(mf: unknown): Promise<number>;
export function build(outdir: string): string;
export function parseVarArgs(argv: string[]): Record<string, string>;
export function startSystem(options: {
  port?: number;
  persistTo: string;
  vars?: Record<string, string>;
  stdio?: "inherit" | "ignore" | StdioOptions;
  timeoutMs?: number;
}): Promise<ChildProcess & { port: number }>;
export function stopSystem(child: ChildProcess, signal?: NodeJS.Signals): Promise<void>;
export const cronExpression: string;
export function fireCron(child: ChildProcess): Promise<void>;
export function fireScheduled(mf: { dispatchFetch(url: string): Promise<Response> }): Promise<void>;
export function startCron(fire: () => Promise<void>, everyMs?: number, report?: (error: Error) => void): { stop(): void };
