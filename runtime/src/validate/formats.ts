/**
 * The well-known string formats of protovalidate (validate.proto's `isEmail`, `isHostname`, `isIp`, `isIpPrefix`,
 * `isUri`, `isUriRef`, `isHostAndPort` CEL functions and the regexes of the other formats), as plain functions.
 */

// https://html.spec.whatwg.org/multipage/input.html#valid-e-mail-address (its labels may be all digits).
const EMAIL =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

/** An email address as HTML5's `input type=email` accepts it (RFC 5322 is too permissive, per protovalidate). */
export function isEmail(s: string): boolean {
  return EMAIL.test(s);
}

/** An RFC 1034 hostname: labels of 1–63 letters, digits and inner hyphens; the last label not all digits. */
export function isHostname(s: string): boolean {
  if (s.length > 253) return false;
  const name = s.endsWith(".") ? s.slice(0, -1) : s;
  const labels = name.split(".");
  for (const label of labels) {
    if (!/^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/.test(label)) return false;
  }
  return !/^[0-9]+$/.test(labels[labels.length - 1] ?? "");
}

function isIpv4(s: string): boolean {
  const parts = s.split(".");
  return parts.length === 4 && parts.every((p) => /^(?:0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255);
}

function isIpv6(s: string, zone: boolean): boolean {
  let addr = s;
  const pct = s.indexOf("%");
  if (pct >= 0) {
    if (!zone || pct === s.length - 1) return false;
    addr = s.slice(0, pct);
  }
  const halves = addr.split("::");
  if (halves.length > 2) return false;
  const groups = (part: string): string[] | undefined => (part === "" ? [] : part.split(":"));
  const head = groups(halves[0] ?? "");
  const tail = halves.length === 2 ? groups(halves[1] ?? "") : [];
  if (head === undefined || tail === undefined) return false;
  const all = [...head, ...tail];
  let count = 0;
  for (const [i, g] of all.entries()) {
    if (i === all.length - 1 && g.includes(".")) {
      if (!isIpv4(g)) return false;
      count += 2;
    } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) count += 1;
    else return false;
  }
  return halves.length === 2 ? count < 8 : count === 8;
}

/** An IP address; `version` 4 or 6 restricts it (0 for either). IPv6 zone ids (`%eth0`) are allowed. */
export function isIp(s: string, version = 0): boolean {
  if (version === 4) return isIpv4(s);
  if (version === 6) return isIpv6(s, true);
  return version === 0 && (isIpv4(s) || isIpv6(s, true));
}

/**
 * An address with a prefix length (`192.168.0.1/24`); `strict` also requires the host bits to be zero (a network
 * prefix such as `192.168.0.0/24`).
 */
export function isIpPrefix(s: string, version = 0, strict = false): boolean {
  const slash = s.indexOf("/");
  if (slash < 0) return false;
  const addr = s.slice(0, slash);
  const len = s.slice(slash + 1);
  if (!/^(?:0|[1-9][0-9]*)$/.test(len)) return false;
  const bits = Number(len);
  const v4 = isIpv4(addr);
  const v6 = !v4 && isIpv6(addr, false);
  if (
    !(v4 && (version === 0 || version === 4) && bits <= 32) &&
    !(v6 && (version === 0 || version === 6) && bits <= 128)
  )
    return false;
  if (!strict) return true;
  const bytes = v4 ? addr.split(".").map(Number) : ipv6Bytes(addr);
  for (let i = 0; i < bytes.length * 8; i++) {
    if (i >= bits && ((bytes[i >> 3] ?? 0) >> (7 - (i & 7))) & 1) return false;
  }
  return true;
}

function ipv6Bytes(addr: string): number[] {
  const [h = "", t] = addr.split("::");
  const words = (part: string): number[] => {
    if (part === "") return [];
    return part.split(":").flatMap((g) => {
      if (!g.includes(".")) return [Number.parseInt(g, 16)];
      const [a = 0, b = 0, c = 0, d = 0] = g.split(".").map(Number);
      return [(a << 8) | b, (c << 8) | d];
    });
  };
  const head = words(h);
  const tail = t === undefined ? [] : words(t);
  const all = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  return all.flatMap((w) => [w >> 8, w & 0xff]);
}

/** `host:port` with a hostname, IPv4 or bracketed IPv6 host; the port (0–65535) is optional unless `portRequired`. */
export function isHostAndPort(s: string, portRequired: boolean): boolean {
  if (s.length === 0) return false;
  let host: string;
  let port: string | undefined;
  if (s.startsWith("[")) {
    const end = s.lastIndexOf("]");
    if (end < 0) return false;
    host = s.slice(1, end);
    const rest = s.slice(end + 1);
    if (rest !== "") {
      if (!rest.startsWith(":")) return false;
      port = rest.slice(1);
    }
    if (!isIpv6(host, true)) return false;
  } else {
    const colon = s.lastIndexOf(":");
    host = colon < 0 ? s : s.slice(0, colon);
    if (colon >= 0) port = s.slice(colon + 1);
    if (!isHostname(host) && !isIpv4(host)) return false;
  }
  if (port === undefined) return !portRequired;
  return /^(?:0|[1-9][0-9]{0,4})$/.test(port) && Number(port) <= 65535;
}

// RFC 3986, section 3 and appendix A. Percent-encodings must be well-formed; in the host they must decode to UTF-8
// ("URI producing applications must not use percent-encoding in host unless it is used to represent a UTF-8
// character sequence"), elsewhere any octet is allowed.
const UNRESERVED = "A-Za-z0-9\\-._~";
const SUB_DELIMS = "!$&'()*+,;=";
const PCT = "%[0-9A-Fa-f]{2}";
const PCHAR = `(?:[${UNRESERVED}${SUB_DELIMS}:@]|${PCT})`;
const SCHEME = "[A-Za-z][A-Za-z0-9+\\-.]*";
const USERINFO = `(?:[${UNRESERVED}${SUB_DELIMS}:]|${PCT})*`;
const REG_NAME = `(?:[${UNRESERVED}${SUB_DELIMS}]|${PCT})*`;
const IP_LITERAL = "\\[[^\\]]*\\]";
const AUTHORITY = `(?:(${USERINFO})@)?(${IP_LITERAL}|${REG_NAME})(?::([0-9]*))?`;
const PATH_ABEMPTY = `(?:/${PCHAR}*)*`;
const PATH_ABSOLUTE = `/(?:${PCHAR}+(?:/${PCHAR}*)*)?`;
const PATH_ROOTLESS = `${PCHAR}+(?:/${PCHAR}*)*`;
const PATH_NOSCHEME = `(?:[${UNRESERVED}${SUB_DELIMS}@]|${PCT})+(?:/${PCHAR}*)*`;
const QUERY = `(?:${PCHAR}|[/?])*`;
const HIER = `(?://${AUTHORITY}${PATH_ABEMPTY}|${PATH_ABSOLUTE}|${PATH_ROOTLESS}|)`;
const RELATIVE = `(?://${AUTHORITY}${PATH_ABEMPTY}|${PATH_ABSOLUTE}|${PATH_NOSCHEME}|)`;
const URI = new RegExp(`^${SCHEME}:${HIER}(?:\\?${QUERY})?(?:#${QUERY})?$`);
const URI_REF_RELATIVE = new RegExp(`^${RELATIVE}(?:\\?${QUERY})?(?:#${QUERY})?$`);

function percentDecodes(s: string): boolean {
  try {
    decodeURIComponent(s);
    return true;
  } catch {
    return false;
  }
}

function validAuthority(s: string, re: RegExp): boolean {
  const m = re.exec(s);
  if (m === null) return false;
  const host = m.slice(1).find((g, i) => i === 1 && g !== undefined);
  if (host?.startsWith("[")) {
    const inner = host.slice(1, -1);
    if (inner.startsWith("v") || inner.startsWith("V"))
      return /^[vV][0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+$/.test(inner);
    const pct = inner.indexOf("%25");
    const addr = pct < 0 ? inner : inner.slice(0, pct);
    return isIpv6(addr, false) && (pct < 0 || inner.length > pct + 3) && percentDecodes(host);
  }
  return host === undefined || !host.includes("%") || percentDecodes(host);
}

/** An absolute URI (RFC 3986 `URI`). */
export function isUri(s: string): boolean {
  return validAuthority(s, URI);
}

/** A URI or a relative reference (RFC 3986 `URI-reference`). */
export function isUriRef(s: string): boolean {
  if (URI.test(s)) return isUri(s);
  return validAuthority(s, URI_REF_RELATIVE);
}

export const isUuid = (s: string): boolean =>
  /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(s);
/** A UUID without dashes (trimmed). */
export const isTuuid = (s: string): boolean => /^[0-9a-fA-F]{32}$/.test(s);
export const isUlid = (s: string): boolean => /^[0-7][0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{25}$/.test(s);
export const isProtobufFqn = (s: string): boolean => /^[A-Za-z_][A-Za-z_0-9]*(?:\.[A-Za-z_][A-Za-z_0-9]*)*$/.test(s);
export const isProtobufDotFqn = (s: string): boolean => s.startsWith(".") && isProtobufFqn(s.slice(1));

/** An HTTP header name: RFC 7230 token (with an optional leading `:` for HTTP/2 pseudo-headers) when `strict`. */
export function isHeaderName(s: string, strict: boolean): boolean {
  if (strict) return /^:?[0-9a-zA-Z!#$%&'*+\-.^_|~`]+$/.test(s);
  return s.length > 0 && !hasCode(s, (c) => c === 0 || c === 0x0a || c === 0x0d);
}

/** An HTTP header value: no control characters but horizontal tab when `strict`; no NUL, CR or LF otherwise. */
export function isHeaderValue(s: string, strict: boolean): boolean {
  if (strict) return !hasCode(s, (c) => (c < 0x20 && c !== 0x09) || c === 0x7f);
  return !hasCode(s, (c) => c === 0 || c === 0x0a || c === 0x0d);
}

function hasCode(s: string, test: (code: number) => boolean): boolean {
  for (let i = 0; i < s.length; i++) if (test(s.charCodeAt(i))) return true;
  return false;
}
/** A hostname or an IP address. */
export const isAddress = (s: string): boolean => isHostname(s) || isIp(s);
