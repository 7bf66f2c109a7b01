/**
 * Reading a `pb.Definition` back, with the checks BuildKit's solver makes
 * before it builds one: every op's digest is sha256 over its bytes, every
 * input names an op that comes earlier in the definition, and exactly one
 * op — the last — is the bare op that names the result. dfc's tests read
 * every definition it writes this way; tools that consume dfc's LLB can too.
 */
import { fromBinary } from "@bufbuild/protobuf";
import { sha256 } from "../../graph/digest.js";
import { DefinitionSchema, OpSchema, type Op, type OpMetadata } from "./ops_pb.js";

export interface DecodedOp {
  readonly digest: string;
  readonly bytes: Uint8Array;
  readonly op: Op;
}

export interface DecodedDefinition {
  /** In definition order; the final bare op is not among them. */
  readonly ops: readonly DecodedOp[];
  /** The result the final op names, and the final op's own digest; null for an empty definition (a scratch image). */
  readonly root: { readonly digest: string; readonly index: bigint; readonly final: string } | null;
  readonly metadata: Readonly<Record<string, OpMetadata>>;
}

export class LlbDecodeError extends Error {
  override readonly name = "LlbDecodeError";
}

export function decodeDefinition(bytes: Uint8Array): DecodedDefinition {
  const definition = fromBinary(DefinitionSchema, bytes);
  const ops: DecodedOp[] = [];
  const seen = new Set<string>();
  let root: DecodedDefinition["root"] = null;
  definition.def.forEach((opBytes, position) => {
    const digest = sha256(opBytes);
    const op = fromBinary(OpSchema, opBytes);
    for (const input of op.inputs) {
      if (!seen.has(input.digest)) throw new LlbDecodeError(`op ${position} (${digest}) reads ${input.digest}, which no earlier op defines`);
    }
    if (op.op.case === undefined) {
      if (position !== definition.def.length - 1) throw new LlbDecodeError(`op ${position} is a bare result op but not the last one`);
      const [result] = op.inputs;
      if (result === undefined || op.inputs.length !== 1) throw new LlbDecodeError(`the final op must name exactly one result, it names ${op.inputs.length}`);
      root = { digest: result.digest, index: result.index, final: digest };
      seen.add(digest);
      return;
    }
    if (seen.has(digest)) throw new LlbDecodeError(`op ${digest} occurs twice`);
    seen.add(digest);
    ops.push({ digest, bytes: opBytes, op });
  });
  if (root === null && ops.length > 0) throw new LlbDecodeError("the definition has ops but no final op naming the result");
  for (const key of Object.keys(definition.metadata)) {
    if (!seen.has(key)) throw new LlbDecodeError(`metadata for ${key}, which is not an op of the definition`);
  }
  return { ops, root, metadata: definition.metadata };
}
