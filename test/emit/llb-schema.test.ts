/**
 * src/emit/llb/ops_pb.ts is generated from ops.proto (`npm run generate:llb`)
 * and committed; this fails when the two drift apart.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));

it("ops_pb.ts is what protoc-gen-es makes of ops.proto", () => {
  const out = mkdtempSync(join(tmpdir(), "dfc-llb-gen-"));
  const buf = join(root, "node_modules", ".bin", "buf");
  execFileSync(buf, ["generate", "src/emit/llb", "--template", "src/emit/llb/buf.gen.yaml", "-o", out], {
    cwd: root,
    // buf finds the protoc-gen-es plugin on PATH.
    env: { ...process.env, PATH: `${join(root, "node_modules", ".bin")}:${process.env["PATH"] ?? ""}` },
  });
  expect(readFileSync(join(out, "ops_pb.ts"), "utf8")).toBe(readFileSync(join(root, "src/emit/llb/ops_pb.ts"), "utf8"));
});
