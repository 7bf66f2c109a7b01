/** Every rule dfc runs: BuildKit's build checks, then dfc's multi-platform rules. */
import type { Rule } from "../rule.js";
import { RULES as BUILDKIT_SEMANTICS } from "./group-buildkit-semantics.js";
import { RULES as BUILDKIT_STYLE } from "./group-buildkit-style.js";
import { RULES as PLATFORM } from "./group-platform.js";

export const RULES: readonly Rule[] = [...BUILDKIT_STYLE, ...BUILDKIT_SEMANTICS, ...PLATFORM];
