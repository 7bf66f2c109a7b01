/**
 * Every real-world Dockerfile in corpus/real plans for linux/amd64 and
 * linux/arm64 (build platform linux/amd64, no build args, offline), or fails
 * with a positioned error (a SourceError). The failures are listed exactly,
 * with their place and message, so that a new failure and a fixed one are
 * both noticed. Each was checked against BuildKit: it fails there too
 * (see the notes).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { planBuild } from "../../src/plan/plan.js";
import { parsePlatform } from "../../src/platform/index.js";
import { parseDockerfile, SourceError } from "../../src/syntax/index.js";

const root = new URL("../../corpus/real/", import.meta.url);
const files = readdirSync(root, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile() && entry.name !== "SOURCES.tsv")
  .map((entry) => relative(fileURLToPath(root), join(entry.parentPath, entry.name)))
  .sort();

/** file → `line:column message`. */
const EXPECTED_FAILURES: Readonly<Record<string, string>> = {
  // Required build args without defaults (BuildKit: "base name (…) should not be blank" / invalid reference format).
  "containerd__containerd/integration__images__volume-copy-up__Dockerfile_windows": "16:6 base name ($BASE) should not be blank",
  "docker__cli/e2e__testdata__engine__Dockerfile": '2:6 "docker:-dind" is neither a stage of this Dockerfile nor a valid image reference',
  "etcd-io__etcd/tests__antithesis__server__Dockerfile": '4:6 "golang:" is neither a stage of this Dockerfile nor a valid image reference',
  "kubernetes__ingress-nginx/images__e2e-test-echo__rootfs__Dockerfile": "3:6 base name (${BASE_IMAGE}) should not be blank",
  "kubernetes__ingress-nginx/images__test-runner__rootfs__Dockerfile": "18:6 \"golang:-alpine3.23\" is neither a stage of this Dockerfile nor a valid image reference",
  "kubernetes__ingress-nginx/rootfs__Dockerfile-chroot": "17:6 base name (${BASE_IMAGE}) should not be blank",
  "microsoft__dotnet-framework-docker/tests__Microsoft.DotNet.Framework.Docker.Tests__projects__dotnetapp-4.7__Dockerfile":
    "5:6 base name ($BASE_BUILD_IMAGE) should not be blank",
  "microsoft__dotnet-framework-docker/tests__Microsoft.DotNet.Framework.Docker.Tests__projects__wcf-4.6.2__Dockerfile":
    "3:6 base name ($BASE_WCF_IMAGE) should not be blank",
  "microsoft__dotnet-framework-docker/tests__Microsoft.DotNet.Framework.Docker.Tests__projects__webapp-4.8.1__Dockerfile":
    "3:6 base name ($BASE_BUILD_IMAGE) should not be blank",
  // BuildKit's own parser test files, which its builder rejects too.
  "moby__buildkit/frontend__dockerfile__parser__testfiles__env__Dockerfile":
    "12:10 failed to process \"'a\\\\'b'\": unexpected end of statement while looking for matching single-quote",
  "moby__buildkit/frontend__dockerfile__parser__testfiles__flags__Dockerfile": "3:6 unknown flag: --user",
  "moby__buildkit/frontend__dockerfile__parser__testfiles__health__Dockerfile": "4:1 HEALTHCHECK requires at least one argument",
};

function outcome(file: string): string | null {
  const text = readFileSync(new URL(file, root), "utf8");
  try {
    const plan = planBuild(parseDockerfile(text), {
      platforms: [parsePlatform("linux/amd64"), parsePlatform("linux/arm64")],
      buildPlatform: parsePlatform("linux/amd64"),
    });
    expect(plan.targets.flatMap((target) => target.publishedAs).sort()).toEqual(["linux/amd64", "linux/arm64"]);
    expect(plan.vertices.length).toBeGreaterThan(0);
    return null;
  } catch (error) {
    if (!(error instanceof SourceError)) throw error;
    const lines = text.split("\n").length;
    expect(error.range.start.line).toBeGreaterThanOrEqual(1);
    expect(error.range.start.line).toBeLessThanOrEqual(lines);
    return `${error.range.start.line}:${error.range.start.column} ${error.message}`;
  }
}

describe("corpus plans", () => {
  it("lists only expected failures that are in the corpus", () => {
    expect(files.length).toBe(263);
    for (const file of Object.keys(EXPECTED_FAILURES)) expect(files).toContain(file);
  });

  it.each(files)("%s", (file) => {
    expect(outcome(file)).toBe(EXPECTED_FAILURES[file] ?? null);
  });
});
