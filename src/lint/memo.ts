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

/**
 * Names what a helper module keeps in the memo: one value per file
 * (`MemoKey<V>`, see `value`) or one per item (`MemoKey<V, Item>`, see `get`).
 * Only its identity matters; the types say what it holds.
 */
export class MemoKey<V, Item = never> {
  declare private readonly held: [V, Item];
}

export class LintMemo {
  /** Shared by the compiles of the file's targets. */
  readonly compile = new CompileMemo();
  private readonly values = new Map<MemoKey<unknown, unknown>, unknown>();
  private readonly tables = new Map<MemoKey<unknown, unknown>, Map<unknown, unknown>>();

  /** The file's value for `key`, computed on first use. */
  value<V>(key: MemoKey<V>, compute: () => V): V {
    let value = this.values.get(key) as V | undefined;
    if (value === undefined) this.values.set(key, (value = compute()));
    return value;
  }

  /** The value for `item`, computed on first use. */
  get<V, Item>(key: MemoKey<V, Item>, item: Item, compute: (item: Item) => V): V {
    let table = this.tables.get(key);
    if (table === undefined) this.tables.set(key, (table = new Map()));
    let value = table.get(item) as V | undefined;
    if (value === undefined) table.set(item, (value = compute(item)));
    return value;
  }

  release(): void {
    this.compile.clear();
    this.values.clear();
    for (const table of this.tables.values()) table.clear();
    this.tables.clear();
  }
}
