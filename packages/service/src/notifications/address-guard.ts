import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { createError } from '@hindsight/models';

/** An address a webhook may be delivered to, as the connection must use it (pinned). */
export interface DeliveryAddress {
  address: string;
  family: 4 | 6;
}

interface Range {
  bytes: number[];
  bits: number;
  kind: string;
}

function v4Range(cidr: string, kind: string): Range {
  const [text = '', bits = '32'] = cidr.split('/');
  return { bytes: text.split('.').map(Number), bits: Number(bits), kind };
}

/** Where no public receiver lives (IANA special-purpose registries, RFC 6890 and successors). */
const V4_BLOCKED = [
  v4Range('0.0.0.0/8', 'unspecified ("this network")'),
  v4Range('10.0.0.0/8', 'private'),
  v4Range('100.64.0.0/10', 'shared (carrier-grade NAT)'),
  v4Range('127.0.0.0/8', 'loopback'),
  v4Range('169.254.0.0/16', 'link-local (cloud metadata lives here)'),
  v4Range('172.16.0.0/12', 'private'),
  v4Range('192.0.0.0/24', 'IETF protocol assignment'),
  v4Range('192.0.2.0/24', 'documentation'),
  v4Range('192.168.0.0/16', 'private'),
  v4Range('198.18.0.0/15', 'benchmarking'),
  v4Range('198.51.100.0/24', 'documentation'),
  v4Range('203.0.113.0/24', 'documentation'),
  v4Range('224.0.0.0/4', 'multicast'),
  v4Range('240.0.0.0/4', 'reserved (and broadcast)'),
];

function v6Range(prefix: number[], bits: number, kind: string): Range {
  return { bytes: prefix, bits, kind };
}

const V6_BLOCKED = [
  v6Range([0xfc], 7, 'unique-local'),
  v6Range([0xfe, 0x80], 10, 'link-local'),
  v6Range([0xfe, 0xc0], 10, 'site-local'),
  v6Range([0xff], 8, 'multicast'),
  v6Range([0x20, 0x01, 0x0d, 0xb8], 32, 'documentation'),
  v6Range([0x01, 0x00, 0, 0, 0, 0, 0, 0], 64, 'discard-only'),
];

function inRange(bytes: readonly number[], range: Range): boolean {
  for (let bit = 0; bit < range.bits; bit += 8) {
    const left = Math.min(8, range.bits - bit);
    const mask = (0xff << (8 - left)) & 0xff;
    const index = bit / 8;
    if (((bytes[index] ?? 0) & mask) !== ((range.bytes[index] ?? 0) & mask)) return false;
  }
  return true;
}

/** The 16 bytes of an IPv6 address in any textual form (`::`, an embedded dotted IPv4 tail). */
function v6Bytes(text: string): number[] {
  let address = text;
  if (address.includes('.')) {
    const colon = address.lastIndexOf(':');
    const [a = 0, b = 0, c = 0, d = 0] = address
      .slice(colon + 1)
      .split('.')
      .map(Number);
    const hex = (high: number, low: number) => ((high << 8) | low).toString(16);
    address = `${address.slice(0, colon + 1)}${hex(a, b)}:${hex(c, d)}`;
  }
  const [head = '', rest] = address.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const front = groups(head);
  const back = rest === undefined ? [] : groups(rest);
  const zeros = new Array<number>(Math.max(0, 8 - front.length - back.length)).fill(0);
  return [...front, ...zeros, ...back].flatMap((word) => [(word >> 8) & 0xff, word & 0xff]);
}

/** Why an IPv4 address (dotted, 4 bytes) is no place for a webhook; null if it is public. */
function v4Refusal(bytes: readonly number[]): string | null {
  return V4_BLOCKED.find((range) => inRange(bytes, range))?.kind ?? null;
}

/** Why the address (an IP literal of either family) is refused, or null for a public one. */
export function addressRefusal(address: string): string | null {
  const family = isIP(address);
  if (family === 4) return v4Refusal(address.split('.').map(Number));
  if (family !== 6) return 'not an IP address';
  const bytes = v6Bytes(address);
  const first10Zero = bytes.slice(0, 10).every((b) => b === 0);
  if (bytes.every((b) => b === 0)) return 'unspecified';
  if (bytes.slice(0, 15).every((b) => b === 0) && bytes[15] === 1) return 'loopback';
  // An IPv4 address inside an IPv6 one reaches the IPv4 host: mapped (::ffff:a.b.c.d), the
  // deprecated compatible form (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) are all refused, so no
  // spelling of 127.0.0.1 or 169.254.169.254 gets through.
  if (first10Zero && bytes[10] === 0xff && bytes[11] === 0xff) return 'IPv4-mapped IPv6';
  if (first10Zero && bytes[10] === 0 && bytes[11] === 0) return 'IPv4-compatible IPv6';
  if (inRange(bytes, v6Range([0, 0x64, 0xff, 0x9b], 96, ''))) return 'NAT64 (embeds IPv4)';
  if (inRange(bytes, v6Range([0x20, 0x02], 16, ''))) return '6to4 (embeds IPv4)';
  return V6_BLOCKED.find((range) => inRange(bytes, range))?.kind ?? null;
}

const unbracket = (host: string) => host.replace(/^\[(.*)\]$/, '$1');

/**
 * The host exactly as the URL text writes it (lower case, no port, IPv6 without brackets), before
 * the parser turns `2130706433` into `127.0.0.1`: WEBHOOK_ALLOWED_HOSTS is matched against this,
 * so allowing 127.0.0.1 does not also allow its numeric spellings.
 */
function writtenHost(text: string): string {
  const authority =
    text
      .trim()
      .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
      .split(/[/?#\\]/)[0] ?? '';
  const host = authority.slice(authority.lastIndexOf('@') + 1);
  const withoutPort = host.startsWith('[')
    ? host.slice(0, host.indexOf(']') + 1)
    : host.split(':')[0];
  return unbracket((withoutPort ?? '').toLowerCase());
}

function refuse(url: string, reason: string): never {
  throw createError('HS_ERR_WEBHOOK_URL', { reason: `${url}: ${reason}` });
}

/**
 * The URL as a webhook may use it: http or https, no credentials. The WHATWG parser writes
 * numeric hosts in their dotted form (`http://2130706433/`, `http://0x7f.1/`, `http://127.1/`
 * all become 127.0.0.1), so the address checks below see what a connection would reach.
 * @throws HS_ERR_WEBHOOK_URL
 */
function parseWebhookUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return refuse(text, 'not an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    refuse(text, `scheme ${url.protocol.slice(0, -1)} is not allowed; use http or https`);
  }
  if (url.username !== '' || url.password !== '') refuse(text, 'credentials in the URL');
  return url;
}

/**
 * Parses the URL (see parseWebhookUrl), resolves its host and checks every address it has, so a name with one private address
 * among public ones is refused too. Run at registration and again before every delivery (a
 * name may point elsewhere by then: DNS rebinding); the delivery then connects to the address
 * returned here, not to a second lookup. Hosts in `allowedHosts` (WEBHOOK_ALLOWED_HOSTS) skip the
 * checks.
 * @throws HS_ERR_WEBHOOK_URL
 */
export async function resolveWebhookAddress(
  text: string,
  allowedHosts: readonly string[],
): Promise<DeliveryAddress & { url: URL }> {
  const url = parseWebhookUrl(text);
  const host = unbracket(url.hostname.toLowerCase());
  const written = writtenHost(text);
  const allowed = allowedHosts.some((entry) => unbracket(entry.toLowerCase()) === written);
  let addresses: { address: string; family: number }[];
  if (isIP(host) !== 0) {
    addresses = [{ address: host, family: isIP(host) }];
  } else {
    try {
      addresses = await lookup(host, { all: true, verbatim: true });
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      return refuse(url.href, `the host does not resolve (${String(code ?? 'no address')})`);
    }
  }
  if (!allowed) {
    for (const { address } of addresses) {
      const refusal = addressRefusal(address);
      if (refusal !== null) {
        const named = address === host ? '' : ` (${host} resolves to ${address})`;
        refuse(url.href, `${refusal} address${named}; only public addresses are allowed`);
      }
    }
  }
  const first = addresses[0];
  if (!first) return refuse(url.href, 'the host has no address');
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}
