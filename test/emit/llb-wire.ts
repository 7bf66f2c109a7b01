/**
 * A wire-level reader for the LLB tests, independent of the encoder: it
 * walks protobuf bytes with the schema and reports every place where they
 * are not in BuildKit's canonical form (fields in field-number order,
 * defaults left out, negative integers as 10-byte varints, map keys sorted).
 */
import type { DescField, DescMessage } from "@bufbuild/protobuf";
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";

export function canonicalProblems(bytes: Uint8Array, desc: DescMessage, path = desc.typeName): string[] {
  const problems: string[] = [];
  const reader = new BinaryReader(bytes);
  let last = 0;
  let lastMapKey: { field: number; key: string } | null = null;
  while (reader.pos < reader.len) {
    const [number, wireType] = reader.tag();
    const field = desc.fields.find((candidate) => candidate.number === number);
    const where = `${path}.${field?.name ?? `#${number}`}`;
    if (field === undefined) {
      problems.push(`${where}: unknown field`);
      reader.skip(wireType, number);
      continue;
    }
    const repeats = field.fieldKind === "list" || field.fieldKind === "map";
    if (number < last || (number === last && !repeats)) problems.push(`${where}: out of field-number order`);
    last = number;
    if (field.fieldKind === "map") {
      const key = mapKey(reader.bytes());
      if (lastMapKey !== null && lastMapKey.field === number && !(lastMapKey.key < key)) problems.push(`${where}: map key ${JSON.stringify(key)} not after ${JSON.stringify(lastMapKey.key)}`);
      lastMapKey = { field: number, key };
      continue;
    }
    problems.push(...valueProblems(reader, wireType, field, where));
  }
  return problems;
}

function valueProblems(reader: BinaryReader, wireType: WireType, field: DescField, where: string): string[] {
  const message = field.fieldKind === "message" ? field.message : field.fieldKind === "list" && field.listKind === "message" ? field.message : undefined;
  if (message !== undefined) return canonicalProblems(reader.bytes(), message, where);
  // Implicit presence: a zero is left out, except for a oneof member, whose presence is its value.
  const single = (field.fieldKind === "scalar" || field.fieldKind === "enum") && field.oneof === undefined;
  if (wireType === WireType.Varint) {
    const start = reader.pos;
    const value = BigInt(reader.int64());
    const length = reader.pos - start;
    if (single && value === 0n) return [`${where}: default value written`];
    if (value < 0n && length !== 10) return [`${where}: negative value in ${length} bytes, not 10`];
    return [];
  }
  if (wireType === WireType.LengthDelimited) {
    const data = reader.bytes();
    return single && data.length === 0 ? [`${where}: empty value written`] : [];
  }
  return [`${where}: unexpected wire type ${wireType}`];
}

function mapKey(entry: Uint8Array): string {
  const reader = new BinaryReader(entry);
  while (reader.pos < reader.len) {
    const [number, wireType] = reader.tag();
    if (number === 1) return reader.string();
    reader.skip(wireType, number);
  }
  return "";
}
