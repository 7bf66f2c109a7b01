/**
 * Hand-reviewed goldens for `dfc plan` (text, build platform linux/amd64, no
 * colour), one directory per scenario under test/plan/scenarios/:
 * Dockerfile, scenario.json (platforms, workers, build args, --target) and
 * plan.txt. Every plan.txt was read line by line against BuildKit's
 * semantics; the key facts are asserted in code below as well, so a golden
 * regenerated without review still cannot hide a semantic change.
 *
 *   UPDATE_GOLDENS=1 npx vitest run test/plan    rewrites every plan.txt
 *
 * A missing plan.txt fails (it is never created silently outside update
 * mode), and so does a scenario directory added or removed without updating
 * SCENARIOS.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderPlanText } from "../../src/emit/plan-text.js";
import type { Plan, PlannedVertex } from "../../src/plan/plan.js";
import { parseDockerfile } from "../../src/syntax/index.js";
import {
  compileAlone,
  forTarget,
  loadScenario,
  P,
  planScenario,
  planText,
  scenariosDir,
  step,
  steps,
  stepText,
  targetsOf,
} from "./helpers.js";

const UPDATE = process.env["UPDATE_GOLDENS"] === "1";

const SCENARIOS = [
  "01-go-cross",
  "02-shared-builder",
  "03-platform-flag-on-stage",
  "04-copy-arch-path",
  "05-run-mount-from-stage",
  "06-onbuild",
  "07-target-middle-stage",
  "08-unreachable-stages",
  "09-ifarch-rootfs",
  "10-ifarch-whole-stages",
  "11-workers",
  "12-windows-escape",
] as const;

const AMD64 = "linux/amd64";
const ARM64 = "linux/arm64";
const ARMV7 = "linux/arm/v7";
const ARMV6 = "linux/arm/v6";

const plans = new Map<string, Plan>();
function planOf(name: (typeof SCENARIOS)[number]): Plan {
  let plan = plans.get(name);
  if (plan === undefined) {
    plan = planScenario(loadScenario(name));
    plans.set(name, plan);
  }
  return plan;
}

const ids = (list: readonly PlannedVertex[]): Set<string> => new Set(list.map((planned) => planned.vertex.id));
const inputsOf = (planned: PlannedVertex): readonly string[] => planned.vertex.inputs;

describe("plan goldens", () => {
  it("has exactly the reviewed scenarios, each with a Dockerfile, scenario.json and plan.txt", () => {
    const present = readdirSync(scenariosDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    expect(present).toEqual([...SCENARIOS]);
    for (const name of SCENARIOS) {
      for (const file of ["scenario.json", ...(UPDATE ? [] : ["plan.txt"])]) {
        expect(existsSync(`${scenariosDir}${name}/${file}`), `${name}/${file} is missing (UPDATE_GOLDENS=1 creates plan.txt)`).toBe(true);
      }
      expect(existsSync(loadScenario(name).dockerfilePath), `${name}: its Dockerfile is missing`).toBe(true);
    }
  });

  it.each(SCENARIOS)("%s matches plan.txt", (name) => {
    const actual = renderPlanText(planOf(name), false);
    const golden = `${scenariosDir}${name}/plan.txt`;
    if (UPDATE) {
      writeFileSync(golden, actual);
      return;
    }
    expect(existsSync(golden), `${name}/plan.txt is missing: run UPDATE_GOLDENS=1 npx vitest run test/plan and review it`).toBe(true);
    expect(actual).toBe(readFileSync(golden, "utf8"));
  });

  it("the IFARCH rootfs scenario is the proposal's example, its ARM group as the proposal wrote it", () => {
    const { text } = loadScenario("09-ifarch-rootfs");
    expect(text).toContain("IFARCH x86-64\nADD rootfs-x64.tar.xz /\nENDIFARCH");
    expect(text).toContain("IFARCH arm7 arm8 arm8.1 rpi\nADD rootfs-arm.tar.xz /\nTAGARCH arm7 arm8 arm8.1 rpi\nENDIFARCH");
  });

  it.each(SCENARIOS)("%s: every shared vertex has the same digest when each of its targets is compiled alone", (name) => {
    const scenario = loadScenario(name);
    const plan = planOf(name);
    const dockerfile = parseDockerfile(scenario.text);
    const alone = new Map(
      scenario.config.platforms.map((spec) => [
        spec,
        compileAlone(dockerfile, P(spec), { targetStage: scenario.config.target ?? null }).closure,
      ]),
    );
    for (const planned of plan.vertices) {
      for (const target of planned.targets) expect(alone.get(target)?.has(planned.vertex.id), `${stepText(planned)} for ${target}`).toBe(true);
    }
    // And nothing a target needs is missing from the plan, or attributed to the wrong targets.
    for (const [target, closure] of alone) {
      const listed = plan.vertices.filter((planned) => planned.targets.includes(target)).map((planned) => planned.vertex.id);
      expect(new Set(listed)).toEqual(new Set(closure.keys()));
    }
  });
});

describe("scenario facts", () => {
  it("01 go cross-compile: the builder is shared, only the compile step is per target, on the build platform", () => {
    const plan = planOf("01-go-cross");
    for (const prefix of ["FROM docker.io/library/golang:1.22-alpine", "WORKDIR /src", "COPY go.mod go.sum ./", "RUN go mod download", "COPY . ."]) {
      expect(step(plan, prefix).targets, prefix).toEqual([AMD64, ARMV7, ARM64]);
    }
    expect(step(plan, "load build context").targets).toEqual([AMD64, ARMV7, ARM64]);
    const download = step(plan, "RUN go mod download");
    expect([download.mode, download.worker, download.vertex.kind === "exec" && download.vertex.platform]).toEqual(["cross", AMD64, AMD64]);

    const build = steps(plan, "RUN CGO_ENABLED=0");
    expect(targetsOf(build)).toEqual([[AMD64], [ARMV7], [ARM64]]);
    expect(ids(build).size).toBe(3);
    const mode = (target: string): [string | null, string, string[]] => {
      const planned = forTarget(build, target);
      if (planned.vertex.kind !== "exec") throw new Error("not an exec");
      return [planned.mode, planned.vertex.platform, planned.vertex.env.filter((entry) => entry.startsWith("TARGET"))];
    };
    expect(mode(AMD64)).toEqual(["native", AMD64, ["TARGETOS=linux", "TARGETARCH=amd64"]]);
    expect(mode(ARM64)).toEqual(["cross", AMD64, ["TARGETOS=linux", "TARGETARCH=arm64"]]);
    expect(mode(ARMV7)).toEqual(["cross", AMD64, ["TARGETOS=linux", "TARGETARCH=arm"]]);

    const apk = steps(plan, "RUN apk add");
    expect(targetsOf(apk)).toEqual([[AMD64], [ARMV7], [ARM64]]);
    expect([AMD64, ARM64, ARMV7].map((target) => forTarget(apk, target).mode)).toEqual(["native", "emulated", "emulated"]);
    expect(apk.every((planned) => planned.vertex.kind === "exec" && planned.vertex.platform === planned.targets[0])).toBe(true);
    expect(steps(plan, "FROM docker.io/library/alpine:3.20").map((planned) => planned.vertex.kind === "source" && planned.vertex.platform).sort()).toEqual([
      AMD64,
      ARMV7,
      ARM64,
    ]);
    expect(plan.targets.map((target) => [target.platform, target.publishedAs, target.stage])).toEqual([
      [AMD64, [AMD64], "stage-1"],
      [ARMV7, [ARMV7], "stage-1"],
      [ARM64, [ARM64], "stage-1"],
    ]);
    expect(plan.stages.get("build")?.every((stage) => stage.pinnedToBuild)).toBe(true);
    expect([plan.summary.shared, plan.summary.cross, plan.summary.emulated]).toEqual([6, 3, 2]);
  });

  it("02 shared builder: every step of the pinned builder is one vertex for all targets", () => {
    const plan = planOf("02-shared-builder");
    const builder = plan.vertices.filter((planned) => planned.meta.stage === "assets");
    expect(builder.map(stepText)).toEqual([
      "FROM docker.io/library/node:20-alpine",
      "WORKDIR /app",
      "COPY package.json package-lock.json ./",
      "RUN npm ci",
      "COPY . .",
      "RUN npm run build",
    ]);
    expect(builder.every((planned) => planned.targets.length === 3)).toBe(true);
    expect(builder.filter((planned) => planned.vertex.kind === "exec").map((planned) => planned.mode)).toEqual(["cross", "cross"]);
    const copies = steps(plan, "COPY --from=assets");
    expect(targetsOf(copies)).toEqual([[AMD64], [ARMV7], [ARM64]]);
    const built = step(plan, "RUN npm run build").vertex.id;
    expect(copies.every((planned) => inputsOf(planned).includes(built))).toBe(true);
    expect(plan.summary.shared).toBe(7);
    expect(plan.summary.costWithoutDedup).toBeGreaterThan(plan.summary.cost);
  });

  it("03 FROM --platform=$BUILDPLATFORM <stage> keeps the stage's (target) platform", () => {
    const plan = planOf("03-platform-flag-on-stage");
    const tools = plan.stages.get("tools")?.[0];
    expect([tools?.platformSource, tools?.pinnedToBuild]).toEqual(["base-stage", false]);
    const echo = steps(plan, "RUN echo");
    expect(targetsOf(echo)).toEqual([[AMD64], [ARM64]]);
    expect(echo.map((planned) => planned.vertex.kind === "exec" && planned.vertex.platform).sort()).toEqual([AMD64, ARM64]);
    expect(forTarget(echo, ARM64).mode).toBe("emulated");
    expect(plan.vertices.some((planned) => planned.mode === "cross")).toBe(false);
    expect(plan.summary.shared).toBe(0);
  });

  it("04 COPY bin/$TARGETARCH: one file vertex per target over one shared build context", () => {
    const plan = planOf("04-copy-arch-path");
    const context = step(plan, "load build context");
    expect(context.targets).toEqual([AMD64, ARM64]);
    expect(step(plan, "COPY LICENSE").targets).toEqual([AMD64, ARM64]);
    const binaries = steps(plan, "COPY bin/$TARGETARCH/app");
    expect(targetsOf(binaries)).toEqual([[AMD64], [ARM64]]);
    expect(ids(binaries).size).toBe(2);
    const source = (planned: PlannedVertex): string | undefined => {
      const vertex = planned.vertex;
      return vertex.kind === "file" && vertex.actions[0]?.action === "copy" ? vertex.actions[0].src : undefined;
    };
    expect(source(forTarget(binaries, AMD64))).toBe("bin/amd64/app");
    expect(source(forTarget(binaries, ARM64))).toBe("bin/arm64/app");
    expect(binaries.every((planned) => inputsOf(planned).includes(context.vertex.id))).toBe(true);
  });

  it("05 RUN --mount=from=<stage> pulls the stage in and mounts its result", () => {
    const plan = planOf("05-run-mount-from-stage");
    const assets = step(plan, "RUN npm ci && npm run build");
    expect([assets.targets, assets.mode]).toEqual([[AMD64, ARM64], "cross"]);
    const runs = steps(plan, "RUN --mount=type=bind,from=assets");
    expect(targetsOf(runs)).toEqual([[AMD64], [ARM64]]);
    for (const planned of runs) {
      const vertex = planned.vertex;
      if (vertex.kind !== "exec") throw new Error("not an exec");
      const mount = vertex.mounts[0];
      expect(mount?.type === "bind" && mount.input !== null ? [vertex.inputs[mount.input], mount.source, mount.target] : null).toEqual([
        assets.vertex.id,
        "/web/dist",
        "/mnt/assets",
      ]);
    }
  });

  it("06 ONBUILD: the triggers run in the child stage, first, and only there", () => {
    const plan = planOf("06-onbuild");
    const conf = steps(plan, "COPY app.conf /etc/app.conf");
    expect(targetsOf(conf)).toEqual([[AMD64], [ARM64]]);
    expect(conf.every((planned) => planned.meta.stage === "app")).toBe(true);
    const configured = steps(plan, "RUN echo configured");
    expect(targetsOf(configured)).toEqual([[AMD64], [ARM64]]);
    expect(configured.every((planned) => planned.meta.stage === "app")).toBe(true);
    const app = steps(plan, "RUN echo app");
    for (const target of [AMD64, ARM64]) {
      // base → COPY trigger → RUN trigger → RUN echo app
      expect(inputsOf(forTarget(configured, target))).toEqual([forTarget(conf, target).vertex.id]);
      expect(inputsOf(forTarget(conf, target))[0]).toBe(forTarget(steps(plan, "RUN echo base"), target).vertex.id);
      expect(inputsOf(forTarget(app, target))).toEqual([forTarget(configured, target).vertex.id]);
      expect(inputsOf(forTarget(steps(plan, "RUN echo final"), target))).toEqual([forTarget(app, target).vertex.id]);
    }
    expect(plan.vertices.filter((planned) => planned.meta.stage === "onbuild-base").map(stepText).sort()).toEqual([
      "FROM docker.io/library/alpine:3.20",
      "FROM docker.io/library/alpine:3.20",
      "RUN echo base",
      "RUN echo base",
    ]);
    expect(plan.vertices.filter((planned) => planned.meta.stage === "stage-2").map(stepText)).toEqual(["RUN echo final", "RUN echo final"]);
  });

  it("07 --target picks a middle stage: later stages are not built", () => {
    const plan = planOf("07-target-middle-stage");
    expect(plan.targets.map((target) => target.stage)).toEqual(["test", "test"]);
    expect(new Set(plan.vertices.map((planned) => planned.meta.stage))).toEqual(new Set([null, "base", "test"]));
    expect(steps(plan, "RUN go build")).toEqual([]);
    expect(steps(plan, "FROM gcr.io")).toEqual([]);
    const tests = steps(plan, "RUN go test");
    expect(targetsOf(tests)).toEqual([[AMD64], [ARM64]]);
    expect(plan.targets.map((target) => target.root).sort()).toEqual(tests.map((planned) => planned.vertex.id).sort());
  });

  it("08 unreachable stages are pruned", () => {
    const plan = planOf("08-unreachable-stages");
    expect(plan.vertices.filter((planned) => planned.meta.stage === "docs" || planned.meta.stage === "lint")).toEqual([]);
    expect(steps(plan, 'RUN echo "building the docs"')).toEqual([]);
    expect(steps(plan, 'RUN echo "running the linters"')).toEqual([]);
    expect(plan.vertices.some((planned) => planned.vertex.kind === "source" && planned.vertex.source.type === "image" && planned.vertex.source.ref.includes("golang"))).toBe(false);
    expect([...plan.stages.keys()].sort()).toEqual(["build", "stage-3"]);
    // The alpine image docs would also have used is attributed to the stage that does use it.
    expect(steps(plan, "FROM docker.io/library/alpine:3.20").map((planned) => planned.meta.stage)).toEqual(["build", "build"]);
  });

  it("09 IFARCH/TAGARCH rootfs: one amd64 build, one arm/v6 build published for three ARM platforms", () => {
    const plan = planOf("09-ifarch-rootfs");
    expect(plan.targets.map((target) => [target.platform, target.publishedAs])).toEqual([
      [AMD64, [AMD64]],
      [ARMV6, [ARMV6, ARMV7, ARM64]],
    ]);
    const arm = step(plan, "ADD rootfs-arm.tar.xz /");
    expect(arm.targets).toEqual([ARMV6, ARMV7, ARM64]);
    expect(step(plan, "ADD rootfs-x64.tar.xz /").targets).toEqual([AMD64]);
    expect(plan.targets[1]?.root).toBe(arm.vertex.id);
    const dockerfile = parseDockerfile(loadScenario("09-ifarch-rootfs").text);
    expect(compileAlone(dockerfile, P(ARM64)).root).toBe(compileAlone(dockerfile, P(ARMV6)).root);
  });

  it("10 IFARCH around whole stages: each architecture gets its own base", () => {
    const plan = planOf("10-ifarch-whole-stages");
    const images = (target: string): string[] =>
      plan.vertices.flatMap((planned) =>
        planned.targets.includes(target) && planned.vertex.kind === "source" && planned.vertex.source.type === "image" ? [planned.vertex.source.ref] : [],
      );
    expect(images(AMD64)).toEqual(["docker.io/library/alpine:3.20"]);
    expect(images(ARM64)).toEqual(["docker.io/library/debian:bookworm-slim"]);
    expect(step(plan, "RUN apk add").targets).toEqual([AMD64]);
    expect(step(plan, "RUN apt-get update").targets).toEqual([ARM64]);
    const copies = steps(plan, "COPY app /usr/local/bin/app");
    expect(targetsOf(copies)).toEqual([[AMD64], [ARM64]]);
    expect(inputsOf(forTarget(copies, AMD64))[0]).toBe(step(plan, "RUN apk add").vertex.id);
    expect(inputsOf(forTarget(copies, ARM64))[0]).toBe(step(plan, "RUN apt-get update").vertex.id);
  });

  it("11 one arm64 worker: arm64 native, arm/v7 native on it (compatible), amd64 emulated", () => {
    const plan = planOf("11-workers");
    expect(plan.workers).toEqual([ARM64]);
    for (const prefix of ["RUN apt-get update", "RUN /usr/local/bin/app --self-test"]) {
      const list = steps(plan, prefix);
      expect(targetsOf(list)).toEqual([[AMD64], [ARMV7], [ARM64]]);
      const placement = (target: string): unknown[] => {
        const planned = forTarget(list, target);
        return [planned.mode, planned.worker, planned.compatible];
      };
      expect(placement(ARM64)).toEqual(["native", ARM64, false]);
      expect(placement(ARMV7)).toEqual(["native", ARM64, true]);
      expect(placement(AMD64)).toEqual(["emulated", ARM64, false]);
    }
    const apt = steps(plan, "RUN apt-get update");
    // A heavy step (60) costs 5× under amd64 emulation, nothing extra natively.
    expect([AMD64, ARMV7, ARM64].map((target) => forTarget(apt, target).cost)).toEqual([300, 60, 60]);
    expect([plan.summary.emulated, plan.summary.cross]).toEqual([2, 0]);
  });

  it("12 Windows with the backtick escape: cmd by default, then SHELL; paths are stored as BuildKit stores them", () => {
    const plan = planOf("12-windows-escape");
    expect(plan.targets.map((target) => [target.platform, target.publishedAs])).toEqual([["windows/amd64", ["windows/amd64"]]]);
    const execs = plan.vertices.filter((planned) => planned.vertex.kind === "exec");
    expect(execs.map((planned) => (planned.vertex.kind === "exec" ? [planned.vertex.args, planned.vertex.platform, planned.vertex.env, planned.mode] : null))).toEqual([
      [["cmd", "/S", "/C", "mkdir C:\\out &&     copy C:\\src\\app\\*.exe C:\\out\\"], "windows/amd64", [], "native"],
      [["powershell", "-Command", 'Write-Host "built in $env:TEMP"'], "windows/amd64", [], "native"],
    ]);
    const copy = step(plan, "COPY app\\ C:\\src\\app\\");
    // BuildKit drops the system drive and uses forward slashes (C:\src\app\ is /src/app/).
    expect(copy.vertex.kind === "file" && copy.vertex.actions[0]?.action === "copy" ? [copy.vertex.actions[0].src, copy.vertex.actions[0].dest] : null).toEqual(["app/", "/src/app/"]);
    expect(step(plan, "FROM mcr.microsoft.com/windows/servercore:ltsc2022").vertex).toMatchObject({ platform: "windows/amd64" });
  });

  it("COPY --link onto scratch: the copy itself is one shared vertex, the merge is per target", () => {
    const plan = planText("FROM scratch\nARG TARGETARCH\nCOPY bin/$TARGETARCH/app /app\nCOPY --link config.yaml /etc/config.yaml\n", { platforms: [AMD64, ARM64] });
    const link = steps(plan, "COPY --link");
    const copy = link.filter((planned) => planned.vertex.kind === "file");
    const merges = link.filter((planned) => planned.vertex.kind === "merge");
    expect(copy.map((planned) => planned.targets)).toEqual([[AMD64, ARM64]]);
    expect(targetsOf(merges)).toEqual([[AMD64], [ARM64]]);
    expect(merges.every((planned) => inputsOf(planned)[1] === copy[0]?.vertex.id)).toBe(true);
  });
});

