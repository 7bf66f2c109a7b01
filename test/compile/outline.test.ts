/** dfc outline and dfc targets: the fields of BuildKit's --call=outline and --call=targets. */
import { describe, expect, it } from "vitest";
import { runCli } from "../cli/run-cli.js";

const DOCKERFILE = `# syntax=docker/dockerfile:1
# VERSION the release to build
ARG VERSION=1.0
# build compiles the server
FROM golang:1.22 AS build
ARG GOFLAGS
RUN --mount=type=secret,id=token --mount=type=ssh go build ./...
FROM build AS test
RUN go test ./...
FROM alpine AS release
COPY --from=build /out /app
`;

interface Located {
  readonly name?: string;
  readonly location: { readonly ranges: readonly { readonly start: { line: number; character: number }; readonly end: { line: number; character: number } }[] };
}

const json = <T>(args: readonly string[]): T => {
  const result = runCli(args, { input: DOCKERFILE });
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout) as T;
};

describe("dfc outline", () => {
  it("lists the target's build args with values and descriptions, its secrets and SSH, with BuildKit's locations", () => {
    const outline = json<{ name: string; args: (Located & { value?: string; description?: string })[]; secrets: Located[]; ssh: Located[]; sources: string[] }>([
      "outline",
      "--target",
      "release",
      "-",
    ]);
    expect(outline.name).toBe("release");
    expect(outline.args.map(({ name, value, description }) => ({ name, value, description }))).toEqual([
      { name: "VERSION", value: "1.0", description: "the release to build" },
      { name: "GOFLAGS", value: undefined, description: undefined },
    ]);
    // Lines count from 1, characters from 0, as in BuildKit's outline.
    expect(outline.args[0]?.location.ranges[0]).toEqual({ start: { line: 3, character: 4 }, end: { line: 3, character: 15 } });
    expect(outline.secrets.map((secret) => secret.name)).toEqual(["token"]);
    expect(outline.ssh.map((socket) => socket.name)).toEqual(["default"]);
    expect(Buffer.from(outline.sources[0] ?? "", "base64").toString("utf8")).toBe(DOCKERFILE);
  });

  it("shows a --build-arg's value, and leaves out stages the target does not need and empty sections", () => {
    const outline = json<{ args: (Located & { value?: string })[] }>(["outline", "--target", "release", "--build-arg", "GOFLAGS=-v", "-"]);
    expect(outline.args.find((arg) => arg.name === "GOFLAGS")?.value).toBe("-v");
    const unrelated = runCli(["outline", "-"], { input: "FROM alpine AS other\nARG ONLY_OTHER\nRUN --mount=type=secret,id=x true\nFROM alpine\nRUN true\n" });
    expect(unrelated.status).toBe(0);
    const parsed = JSON.parse(unrelated.stdout) as object;
    expect(parsed).not.toHaveProperty("args");
    expect(parsed).not.toHaveProperty("secrets");
  });
});

describe("dfc targets", () => {
  it("lists named stages and the default with base, description and location", () => {
    const list = json<{ targets: (Located & { default?: boolean; description?: string; base: string })[] }>(["targets", "--format", "json", "-"]);
    expect(list.targets.map(({ name, default: isDefault, description, base }) => ({ name, isDefault, description, base }))).toEqual([
      { name: "build", isDefault: undefined, description: "compiles the server", base: "golang:1.22" },
      { name: "test", isDefault: undefined, description: undefined, base: "build" },
      { name: "release", isDefault: true, description: undefined, base: "alpine" },
    ]);
    expect(list.targets[0]?.location.ranges[0]).toEqual({ start: { line: 5, character: 0 }, end: { line: 5, character: 25 } });
  });

  it("reports an unknown IFARCH architecture like the other commands", () => {
    const result = runCli(["targets", "-"], { input: "FROM alpine AS a\nIFARCH aarch46\nRUN x\nENDIFARCH\n" });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^<stdin>:2:8: error: unknown architecture "aarch46" \(did you mean "aarch64"\?\)/);
  });
});
