/** `--cost-model FILE`: a partial cost model in JSON, validated with zod; missing numbers keep their defaults. */
import { z } from "zod";
import { DEFAULT_COST_MODEL, type CostModel } from "./cost.js";

const weight = z.number().nonnegative();

export const costModelSchema = z
  .object({
    exec: weight.optional(),
    heavyExec: weight.optional(),
    file: weight.optional(),
    merge: weight.optional(),
    source: z.partialRecord(z.enum(["image", "local", "git", "http", "oci-layout"]), weight).optional(),
    emulation: z.record(z.string(), weight).optional(),
    defaultEmulation: weight.optional(),
  })
  .strict();

export function parseCostModel(json: unknown): CostModel {
  const overrides = costModelSchema.parse(json);
  return {
    exec: overrides.exec ?? DEFAULT_COST_MODEL.exec,
    heavyExec: overrides.heavyExec ?? DEFAULT_COST_MODEL.heavyExec,
    file: overrides.file ?? DEFAULT_COST_MODEL.file,
    merge: overrides.merge ?? DEFAULT_COST_MODEL.merge,
    source: { ...DEFAULT_COST_MODEL.source, ...overrides.source },
    emulation: { ...DEFAULT_COST_MODEL.emulation, ...overrides.emulation },
    defaultEmulation: overrides.defaultEmulation ?? DEFAULT_COST_MODEL.defaultEmulation,
  };
}
