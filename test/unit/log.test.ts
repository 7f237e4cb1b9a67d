import { afterEach, describe, expect, it, vi } from "vitest";
import { buildApp } from "../../src/app";
import { configureLog, log, logError, logInfo, logLevelRank, logWarn } from "../../src/kernel/log";

const spies = () => ({
  log: vi.spyOn(console, "log").mockImplementation(() => {}),
  warn: vi.spyOn(console, "warn").mockImplementation(() => {}),
  error: vi.spyOn(console, "error").mockImplementation(() => {}),
});
const lines = (spy: { mock: { calls: unknown[][] } }) => spy.mock.calls.map((c) => JSON.parse(String(c[0])) as Record<string, unknown>);

afterEach(() => {
  configureLog({});
  vi.restoreAllMocks();
});

describe("LOG_LEVEL", () => {
  it("defaults to info for unset, blank and unknown values and reads the four levels in any case", () => {
    expect(logLevelRank(undefined)).toBe(logLevelRank("info"));
    expect(logLevelRank("")).toBe(logLevelRank("info"));
    expect(logLevelRank("verbose")).toBe(logLevelRank("info"));
    expect(logLevelRank("toString")).toBe(logLevelRank("info"));
    expect([logLevelRank("debug"), logLevelRank("INFO"), logLevelRank(" warn "), logLevelRank("error")]).toEqual([0, 1, 2, 3]);
  });

  it("drops lines below the level without serializing them, and writes the rest to the matching console method", () => {
    const out = spies();
    configureLog({ LOG_LEVEL: "warn" });
    const fields = { toJSON: vi.fn(() => "x") };
    log("debug", "dropped", { fields });
    logInfo("dropped", { fields });
    expect(fields.toJSON).not.toHaveBeenCalled();
    logWarn("kept", { n: 1 });
    logError("failed", new TypeError("boom"), { id: "a" });
    expect(out.log).not.toHaveBeenCalled();
    expect(lines(out.warn)).toEqual([{ level: "warn", msg: "kept", n: 1 }]);
    const [error] = lines(out.error);
    expect(error).toMatchObject({ level: "error", msg: "failed", id: "a" });
    expect(error!.cause).toMatch(/^TypeError: boom\n/);
  });

  it("writes debug lines only at debug, and error lines at every level", () => {
    const out = spies();
    configureLog({ LOG_LEVEL: "debug" });
    log("debug", "shown");
    configureLog({ LOG_LEVEL: "error" });
    log("debug", "hidden");
    logWarn("hidden");
    logError("shown", "plain");
    expect(lines(out.log)).toEqual([{ level: "debug", msg: "shown" }]);
    expect(out.warn).not.toHaveBeenCalled();
    expect(lines(out.error)).toEqual([{ level: "error", msg: "shown", cause: "plain" }]);
  });
});

describe("request line", () => {
  it("has exactly level, msg, requestId, method, path without the query string, status and ms", async () => {
    const out = spies();
    const res = await buildApp().request("/liveness?token=secret-in-query", { headers: { "X-Request-Id": "req-1", Authorization: "Bearer hidden" } });
    expect(res.status).toBe(200);
    const [line] = lines(out.log).filter((l) => l.msg === "request");
    expect(Object.keys(line!).sort()).toEqual(["level", "method", "ms", "msg", "path", "requestId", "status"]);
    expect(line).toMatchObject({ level: "info", msg: "request", requestId: "req-1", method: "GET", path: "/liveness", status: 200 });
    expect(typeof line!.ms).toBe("number");
    const all = [...out.log.mock.calls, ...out.warn.mock.calls, ...out.error.mock.calls].join("\n");
    expect(all).not.toContain("secret-in-query");
    expect(all).not.toContain("hidden");
  });

  it("logs a 404 at info and is silent at LOG_LEVEL=warn", async () => {
    const out = spies();
    const app = buildApp();
    await app.request("/nowhere");
    expect(lines(out.log)).toEqual([expect.objectContaining({ level: "info", msg: "request", path: "/nowhere", status: 404 })]);
    out.log.mockClear();
    await app.request("/nowhere", {}, { LOG_LEVEL: "warn" });
    expect(out.log).not.toHaveBeenCalled();
  });
});
