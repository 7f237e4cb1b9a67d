import { mkdirSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { filesystemOf } from "../../scripts/proc.mjs";

/** scripts/proc.mjs filesystemOf: the bench says what its state is written to (a disk's fsync or tmpfs). */
describe("filesystemOf", () => {
  const base = realpathSync(mkdtempSync(join(tmpdir(), "proc-test-")));
  const inside = join(base, "state", "v3");
  mkdirSync(inside, { recursive: true });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it("takes the longest mount point that holds the path, the later mount on the same point", () => {
    const mounts = [
      "/dev/vda / ext4 rw,relatime 0 0",
      `tmpfs ${base} tmpfs rw 0 0`,
      `overlay ${base} overlay rw 0 0`,
      `tmpfs ${join(base, "elsewhere")} tmpfs rw 0 0`,
    ].join("\n");
    expect(filesystemOf(inside, mounts)).toEqual({ type: "overlay", device: "overlay", mountPoint: base });
    expect(filesystemOf("/", mounts)).toEqual({ type: "ext4", device: "/dev/vda", mountPoint: "/" });
  });

  it("matches whole path segments only, and decodes spaces in mount points", () => {
    const mounts = ["/dev/vda / ext4 rw 0 0", `tmpfs ${base.slice(0, -1)} tmpfs rw 0 0`, `tmpfs ${base}/sta\\040te tmpfs rw 0 0`].join("\n");
    expect(filesystemOf(inside, mounts)?.type).toBe("ext4");
    const spaced = join(base, "sta te");
    mkdirSync(spaced);
    expect(filesystemOf(spaced, mounts)).toEqual({ type: "tmpfs", device: "tmpfs", mountPoint: spaced });
  });

  it("answers null for a path that does not exist, and reads /proc/mounts by default", () => {
    expect(filesystemOf(join(base, "missing"), "/dev/vda / ext4 rw 0 0")).toBeNull();
    expect(filesystemOf("/")?.mountPoint).toBe("/");
  });
});
