import { BlockList, isIP } from 'node:net';
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import type { Agent } from 'undici';

/** An address a name resolved to. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has (the system resolver by default; tests give their own). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface SafeFetchOptions {
  /** Loopback targets over plain HTTP (local settings only, so a receiver on the developer's machine works). */
  allowLoopback: boolean;
  /** The whole attempt, connection included. */
  timeoutMs: number;
  /** At most this much of the response body is read; the rest is dropped. */
  maxResponseBytes?: number;
  resolve?: Resolver;
}

/** Why a target is refused; its message is safe to show. */
export class UnsafeTargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeTargetError';
  }
}

export interface SafeResponse {
  status: number;
  /** The start of the body, as text. */
  body: string;
  durationMs: number;
}

/** What a safe POST may reach: public unicast addresses (and loopback when allowed). */
const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata (169.254.169.254)
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const)
  blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96], // NAT64 (the IPv4 address inside is checked below)
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local, cloud metadata (fd00:ec2::254)
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const)
  blocked.addSubnet(net, prefix, 'ipv6');

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** The IPv4 address an IPv6 one carries (mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`), if any. */
function embeddedIpv4(address: string): string | undefined {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1];
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (!hex) return undefined;
  const [hi, lo] = [parseInt(hex[1]!, 16), parseInt(hex[2]!, 16)];
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** Whether a delivery may connect to `address`. */
export function isAllowedAddress(address: string, allowLoopback: boolean): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  const v4 = family === 6 ? embeddedIpv4(address) : address;
  if (v4) return (allowLoopback && loopback.check(v4, 'ipv4')) || !blocked.check(v4, 'ipv4');
  const type = family === 4 ? 'ipv4' : 'ipv6';
  return (allowLoopback && loopback.check(address, type)) || !blocked.check(address, type);
}

const systemResolver: Resolver = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }));

function checkAll(hostname: string, addresses: ResolvedAddress[], allowLoopback: boolean): ResolvedAddress[] {
  if (addresses.length === 0) throw new UnsafeTargetError(`${hostname} does not resolve to any address.`);
  // Every address must be allowed: a name that also points inside could be steered there by the connection.
  if (addresses.some((a) => !isAllowedAddress(a.address, allowLoopback)))
    throw new UnsafeTargetError(`${hostname} resolves to a private, loopback or link-local address.`);
  return addresses;
}

/** Scheme, port and literal-address rules of a webhook URL (no DNS). */
function checkUrlShape(raw: string, allowLoopback: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeTargetError('The URL is not valid.');
  }
  if (url.username || url.password) throw new UnsafeTargetError('The URL must not carry a user name or password.');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const literalLoopback = isIP(host) !== 0 && isAllowedAddress(host, true) && !isAllowedAddress(host, false);
  const namedLoopback = host === 'localhost' || host.endsWith('.localhost');
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && allowLoopback && (literalLoopback || namedLoopback)) return url;
  throw new UnsafeTargetError(
    allowLoopback ? 'The URL must use https (plain http only to this machine).' : 'The URL must use https.',
  );
}

/**
 * Checks a webhook URL as a delivery would: its shape, then every address its name resolves to. Used when a webhook
 * is saved, so a mistake is reported at once; deliveries check again when they connect (the name may have changed).
 */
export async function checkTarget(raw: string, opts: Pick<SafeFetchOptions, 'allowLoopback' | 'resolve'>) {
  const url = checkUrlShape(raw, opts.allowLoopback);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) checkAll(host, [{ address: host, family: isIP(host) as 4 | 6 }], opts.allowLoopback);
  else {
    const addresses = await (opts.resolve ?? systemResolver)(host).catch(() => {
      throw new UnsafeTargetError(`${host} does not resolve to any address.`);
    });
    checkAll(host, addresses, opts.allowLoopback);
  }
  return url;
}

/**
 * POSTs to a webhook receiver without letting it reach inside: the name is resolved once per connection and every
 * address checked, and the connection goes to the checked address (the check is the connection's own lookup, so a
 * name that answers differently the second time cannot rebind it); no redirects; a timeout on the whole attempt;
 * at most `maxResponseBytes` of the answer are read.
 */
export function createSafeFetch(opts: SafeFetchOptions) {
  const resolve = opts.resolve ?? systemResolver;
  const maxBytes = opts.maxResponseBytes ?? 4096;
  let agent: Promise<Agent> | undefined;

  const lookup: LookupFunction = (hostname, options, callback) => {
    resolve(hostname)
      .then((addresses) => {
        const allowed = checkAll(hostname, addresses, opts.allowLoopback);
        if (options.all) (callback as (e: null, a: ResolvedAddress[]) => void)(null, allowed);
        else callback(null, allowed[0]!.address, allowed[0]!.family);
      })
      .catch((err: Error) => callback(err as NodeJS.ErrnoException, '', 0));
  };

  const getAgent = () =>
    (agent ??= import('undici').then(
      ({ Agent }) =>
        new Agent({
          connect: { lookup, timeout: opts.timeoutMs },
          headersTimeout: opts.timeoutMs,
          bodyTimeout: opts.timeoutMs,
          // One connection per attempt: every attempt resolves and checks again.
          pipelining: 0,
        }),
    ));

  return {
    async post(raw: string, headers: Record<string, string>, body: string): Promise<SafeResponse> {
      const url = checkUrlShape(raw, opts.allowLoopback);
      const host = url.hostname.replace(/^\[|\]$/g, '');
      // A literal address never goes through the lookup, so it is checked here.
      if (isIP(host)) checkAll(host, [{ address: host, family: isIP(host) as 4 | 6 }], opts.allowLoopback);
      const { request } = await import('undici');
      const started = Date.now();
      const response = await request(url, {
        method: 'POST',
        headers: { ...headers, connection: 'close' },
        body,
        dispatcher: await getAgent(),
        signal: AbortSignal.timeout(opts.timeoutMs),
        maxRedirections: 0,
      });
      const chunks: Buffer[] = [];
      let read = 0;
      for await (const chunk of response.body) {
        const buf = chunk as Buffer;
        chunks.push(buf.subarray(0, maxBytes - read));
        read += buf.length;
        if (read >= maxBytes) break;
      }
      response.body.destroy();
      return {
        status: response.statusCode,
        body: Buffer.concat(chunks).toString('utf8'),
        durationMs: Date.now() - started,
      };
    },
  };
}

export type SafeFetch = ReturnType<typeof createSafeFetch>;
