export * from "./ir.js";
export { canonicalJson, IR_VERSION, sha256, vertexDigest } from "./digest.js";
export { BuildGraph } from "./graph.js";
