/**
 * A build graph under construction: vertices by digest, with their metadata.
 * Adding the same work twice returns the same vertex, which is how steps
 * shared between stages or targets collapse into one.
 */
import { vertexDigest } from "./digest.js";
import type { Digest, Vertex, VertexContent, VertexMeta } from "./ir.js";

/** A vertex of the graph and its metadata. */
export interface GraphEntry {
  readonly vertex: Vertex;
  readonly meta: VertexMeta;
}

/**
 * Where a compile puts the vertices it makes. The compiler only hands the
 * ids it gets back to the same sink (as inputs of later vertices), so a sink
 * that keeps no graph may answer with any id.
 */
export interface VertexSink {
  add(content: VertexContent, inputs: readonly Digest[], meta: VertexMeta | (() => VertexMeta)): Digest;
}

export class BuildGraph implements VertexSink {
  private readonly byId = new Map<Digest, GraphEntry>();

  /**
   * Adds a vertex (or finds the identical one) and returns its digest. The
   * first metadata wins; `meta` may be a function, called only for a new vertex.
   */
  add(content: VertexContent, inputs: readonly Digest[], meta: VertexMeta | (() => VertexMeta)): Digest {
    const id = vertexDigest(content, inputs);
    const existing = this.byId.get(id);
    // The graph's own copy of the digest, so that every user of a vertex holds
    // one string: maps keyed by digest then hash it once and compare pointers.
    if (existing !== undefined) return existing.vertex.id;
    // The graph takes ownership of `content` (callers pass a fresh literal):
    // completing it in place spares a copy of every new vertex.
    const vertex = Object.assign(content, { id, inputs }) as Vertex;
    this.byId.set(id, { vertex, meta: typeof meta === "function" ? meta() : meta });
    return id;
  }

  entry(id: Digest): GraphEntry {
    const entry = this.byId.get(id);
    if (entry === undefined) throw new Error(`no vertex ${id} in this graph`);
    return entry;
  }

  vertex(id: Digest): Vertex {
    return this.entry(id).vertex;
  }

  get size(): number {
    return this.byId.size;
  }

  /** The vertices `roots` depend on, inputs before the vertices that use them. */
  closure(roots: readonly Digest[]): Vertex[] {
    const order: Vertex[] = [];
    const seen = new Set<Digest>();
    // Iterative depth-first walk: graphs of thousands of steps must not exhaust the stack.
    const stack: { id: Digest; expanded: boolean }[] = roots.map((id) => ({ id, expanded: false })).reverse();
    while (stack.length > 0) {
      const top = stack.pop() as { id: Digest; expanded: boolean };
      if (top.expanded) {
        order.push(this.vertex(top.id));
        continue;
      }
      if (seen.has(top.id)) continue;
      seen.add(top.id);
      stack.push({ id: top.id, expanded: true });
      const inputs = this.vertex(top.id).inputs;
      for (let index = inputs.length - 1; index >= 0; index--) {
        const input = inputs[index] as Digest;
        if (!seen.has(input)) stack.push({ id: input, expanded: false });
      }
    }
    return order;
  }
}
