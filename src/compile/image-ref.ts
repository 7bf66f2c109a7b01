/**
 * Docker image references in their normalized form, as BuildKit resolves
 * them: `alpine` is `docker.io/library/alpine:latest`. Used to match image
 * metadata keys and to name sources canonically (so `alpine` and
 * `docker.io/library/alpine:latest` are one source, as in BuildKit).
 */
export function normalizeImageRef(ref: string): string {
  const [name, digest] = splitOnce(ref, "@");
  const slash = name.indexOf("/");
  const first = slash === -1 ? "" : name.slice(0, slash);
  const hasDomain = first.includes(".") || first.includes(":") || first === "localhost";
  let path = hasDomain ? name : `docker.io/${name}`;
  if (!hasDomain && slash === -1) path = `docker.io/library/${name}`;
  const lastSlash = path.lastIndexOf("/");
  const hasTag = path.indexOf(":", lastSlash) !== -1;
  if (digest !== undefined) return `${path}@${digest}`;
  return hasTag ? path : `${path}:latest`;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const index = text.indexOf(separator);
  return index === -1 ? [text, undefined] : [text.slice(0, index), text.slice(index + 1)];
}

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;

/** Docker's reference grammar: `[domain[:port]/]path[:tag][@digest]`, path components in lower case. */
export function isValidImageRef(ref: string): boolean {
  const [name, digest] = splitOnce(ref, "@");
  if (digest !== undefined && !DIGEST.test(digest)) return false;
  const lastSlash = name.lastIndexOf("/");
  const colon = name.indexOf(":", lastSlash + 1);
  const path = colon === -1 ? name : name.slice(0, colon);
  if (colon !== -1 && !TAG.test(name.slice(colon + 1))) return false;
  const components = path.split("/");
  const first = components[0] ?? "";
  const hasDomain = components.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost");
  if (hasDomain && !DOMAIN.test(first)) return false;
  const rest = hasDomain ? components.slice(1) : components;
  return rest.length > 0 && rest.every((component) => PATH_COMPONENT.test(component));
}
