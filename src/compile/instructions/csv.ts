/**
 * One CSV record, read the way BuildKit reads `--mount` values
 * (tonistiigi/go-csvvalue, which follows encoding/csv): fields split on
 * commas; a field that starts with `"` is quoted, `""` inside it is a quote,
 * and it must end at a comma or the end; a quote anywhere in an unquoted
 * field is an error. One trailing newline is ignored.
 */

/** The fields, or encoding/csv's error text (columns count UTF-8 bytes from 1). */
export function csvFields(input: string): string[] | { readonly error: string } {
  let line = input;
  if (line.endsWith("\n")) line = line.slice(0, line.endsWith("\r\n") ? -2 : -1);
  if (line === "") return { error: "EOF" };
  const fail = (offset: number, reason: string) => ({
    error: `parse error on line 1, column ${Buffer.byteLength(line.slice(0, offset), "utf8") + 1}: ${reason}`,
  });
  const fields: string[] = [];
  let position = 0;
  for (;;) {
    if (line.charCodeAt(position) !== 0x22) {
      const comma = line.indexOf(",", position);
      const end = comma === -1 ? line.length : comma;
      const quote = line.indexOf('"', position);
      if (quote !== -1 && quote < end) return fail(quote, 'bare " in non-quoted-field');
      fields.push(line.slice(position, end));
      if (comma === -1) return fields;
      position = comma + 1;
      continue;
    }
    let field = "";
    position++;
    for (;;) {
      const quote = line.indexOf('"', position);
      if (quote === -1) return fail(position, 'extraneous or missing " in quoted-field');
      field += line.slice(position, quote);
      position = quote + 1;
      const next = line.charAt(position);
      if (next === '"') {
        field += '"';
        position++;
      } else if (next === ",") {
        position++;
        break;
      } else if (next === "") {
        fields.push(field);
        return fields;
      } else {
        return fail(quote, 'extraneous or missing " in quoted-field');
      }
    }
    fields.push(field);
  }
}
