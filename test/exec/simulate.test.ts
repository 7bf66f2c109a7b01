import fc from "fast-check";
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { simulateBuild } from "../../src/exec/simulate.js";
import type { ProgressEvent } from "../../src/exec/progress.js";
import { loadScenario, planScenario, scenariosDir, stepText } from "../plan/helpers.js";

const scenarios = readdirSync(scenariosDir).map(loadScenario);
// Scenario 12 targets Windows: its RUN steps cannot run on the linux build platform.
const runnable = scenarios.filter((scenario) => !scenario.config.platforms.some((platform) => platform.startsWith("windows/")));

describe("simulateBuild", () => {
  it("one job at a time takes exactly the plan's total cost, with and without dedup (every scenario)", async () => {
    for (const scenario of runnable) {
      const plan = planScenario(scenario);
      const simulation = await simulateBuild(plan, { jobs: 1 });
      expect(simulation.result.failures, scenario.name).toEqual([]);
      expect(simulation.wallTime, scenario.name).toBeCloseTo(plan.summary.cost, 6);
      expect(simulation.separateWallTime, scenario.name).toBeCloseTo(plan.summary.costWithoutDedup, 6);
    }
  });

  it("with enough jobs the build takes exactly its critical path", async () => {
    for (const scenario of runnable) {
      const plan = planScenario(scenario);
      const simulation = await simulateBuild(plan, { jobs: plan.vertices.length });
      expect(simulation.wallTime, scenario.name).toBeCloseTo(plan.summary.criticalPath.cost, 6);
    }
  });

  it("property: more jobs never make the simulated build slower, and dedup never loses", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: runnable.length - 1 }), fc.integer({ min: 1, max: 8 }), async (which, jobs) => {
        const plan = planScenario(runnable[which] as (typeof runnable)[number]);
        const fewer = await simulateBuild(plan, { jobs });
        const more = await simulateBuild(plan, { jobs: jobs + 1 });
        // Greedy list scheduling can in theory get slower with more machines (Graham's anomaly);
        // the plans here are small trees of chains where it does not, and a regression would show.
        expect(more.wallTime).toBeLessThanOrEqual(fewer.wallTime + 1e-9);
        expect(fewer.wallTime).toBeLessThanOrEqual(fewer.separateWallTime + 1e-9);
      }),
      { numRuns: 30, examples: runnable.map((_, which) => [which, 1] as [number, number]) },
    );
  });

  it("lays out the shared builder's timeline: the shared steps once, then each target's own steps", async () => {
    const plan = planScenario(loadScenario("02-shared-builder"));
    const events: ProgressEvent[] = [];
    const simulation = await simulateBuild(plan, { jobs: 2, onEvent: (event) => events.push(event) });
    const rows = simulation.timeline.map((entry) => `${entry.start.toFixed(1)}-${entry.end.toFixed(1)} ${entry.planned.targets.length} ${stepText(entry.planned)}`);
    // Reviewed by hand: two slots; a freed slot takes the ready step with the
    // most work ahead of it (node → … → COPY --from: 79; the context: 74; an
    // nginx image: 6), so the builder chain never waits and the nginx images
    // fill the second slot. Only the last COPY --from waits for a slot: 80 s
    // against the 79 s critical path.
    expect(rows).toEqual([
      "0.0-1.0 3 load build context",
      "0.0-5.0 3 FROM docker.io/library/node:20-alpine",
      "1.0-6.0 1 FROM docker.io/library/nginx:1.27-alpine",
      "5.0-6.0 3 WORKDIR /app",
      "6.0-7.0 3 COPY package.json package-lock.json ./",
      "6.0-11.0 1 FROM docker.io/library/nginx:1.27-alpine",
      "7.0-67.0 3 RUN npm ci",
      "11.0-16.0 1 FROM docker.io/library/nginx:1.27-alpine",
      "67.0-68.0 3 COPY . .",
      "68.0-78.0 3 RUN npm run build",
      "78.0-79.0 1 COPY --from=assets /app/dist /usr/share/nginx/html",
      "78.0-79.0 1 COPY --from=assets /app/dist /usr/share/nginx/html",
      "79.0-80.0 1 COPY --from=assets /app/dist /usr/share/nginx/html",
    ]);
    expect(simulation.wallTime).toBe(80);
    expect(simulation.separate.map((build) => build.platform)).toEqual(["linux/amd64", "linux/arm/v7", "linux/arm64"]);
    expect(events.filter((event) => event.event === "start")).toHaveLength(plan.vertices.length);
  });
});
