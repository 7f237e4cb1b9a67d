export interface Answer {
  status: number;
  body?: string;
  resent?: boolean;
}
export function sender(
  baseUrl: string,
  concurrency: number,
  timeoutMs: number,
): { send(request: { method: string; path: string; body?: unknown }): Promise<Answer>; close(): void };
