import type { Rule } from "../rule.js";
import { rule as ConsistentInstructionCasing } from "./ConsistentInstructionCasing.js";
import { rule as DuplicateStageName } from "./DuplicateStageName.js";
import { rule as ExposeInvalidFormat } from "./ExposeInvalidFormat.js";
import { rule as ExposeProtoCasing } from "./ExposeProtoCasing.js";
import { rule as FromAsCasing } from "./FromAsCasing.js";
import { rule as JSONArgsRecommended } from "./JSONArgsRecommended.js";
import { rule as LegacyKeyValueFormat } from "./LegacyKeyValueFormat.js";
import { rule as MaintainerDeprecated } from "./MaintainerDeprecated.js";
import { rule as MultipleInstructionsDisallowed } from "./MultipleInstructionsDisallowed.js";
import { rule as NoEmptyContinuation } from "./NoEmptyContinuation.js";
import { rule as ReservedStageName } from "./ReservedStageName.js";
import { rule as StageNameCasing } from "./StageNameCasing.js";

export const RULES: readonly Rule[] = [
  StageNameCasing,
  FromAsCasing,
  NoEmptyContinuation,
  ConsistentInstructionCasing,
  DuplicateStageName,
  ReservedStageName,
  JSONArgsRecommended,
  MaintainerDeprecated,
  MultipleInstructionsDisallowed,
  LegacyKeyValueFormat,
  ExposeProtoCasing,
  ExposeInvalidFormat,
];
