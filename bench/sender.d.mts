export interface Answer {
  status: number;
  body?: string;
  resent?: boolean;
}
export function request(
  url: URL | string,
  options: {
    method?: string;
    headers?: Record<string, string | number>;
    payload?: Buffer | null;
    agent?: unknown;
    timeoutMs?: number;
    keepText?: (status: number) => boolean;
  },
): Promise<{ status: number; text?: string; resentAfter?: string }>;
export function sender(
  baseUrl: string,
  concurrency: number,
  timeoutMs: number,
): { send(request: { method: string; path: string; body?: unknown }): Promise<Answer>; close(): void };
