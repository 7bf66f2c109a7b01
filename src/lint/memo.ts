/**
 * Per-file memory for what several rules compute alike (a RUN's parsed
 * script, the FROM scopes, the dispatched instructions): made with the
 * file's analysis and released when its lint ends.
 *
 * Not module-level WeakMaps: their entries outlived their files in every
 * minor collection once a scavenge had promoted the keys (see
 * compile/memo.ts). Releasing also cuts the links from a memo that was
 * itself promoted while a long file was linted.
 */
import { CompileMemo } from "../compile/memo.js";

/** Names one memo table; each helper module makes its own. */
export class MemoTable<K, V> {
  // Only the identity matters; the types say what the table holds.
  declare private readonly entry: [K, V];
  constructor(readonly name: string) {}
}

export class LintMemo {
  /** Shared by the compiles of the file's targets. */
  readonly compile = new CompileMemo();
  private readonly tables = new Map<MemoTable<unknown, unknown>, Map<unknown, unknown>>();

  table<K, V>(key: MemoTable<K, V>): Map<K, V> {
    let table = this.tables.get(key as MemoTable<unknown, unknown>);
    if (table === undefined) this.tables.set(key as MemoTable<unknown, unknown>, (table = new Map()));
    return table as Map<K, V>;
  }

  /** One value per file: computed on first use. */
  value<V>(key: MemoTable<"value", V>, compute: () => V): V {
    const table = this.table(key);
    let value = table.get("value");
    if (value === undefined) table.set("value", (value = compute()));
    return value;
  }

  release(): void {
    this.compile.clear();
    for (const table of this.tables.values()) table.clear();
    this.tables.clear();
  }
}
