import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Which addresses the fetcher may connect to. A sources file, or a redirect from a site we watch,
 * must not make borderwatch talk to its own network: loopback, private ranges, link-local (including
 * the cloud metadata service at 169.254.169.254 and fd00:ec2::254), CGNAT, multicast and reserved.
 * The check runs on the address DNS returned, inside the connection's own lookup, so the address
 * checked is the address connected to (no window for DNS rebinding between check and connect).
 */

const blocked = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network", including 0.0.0.0
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  blocked.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7], // unique local, including AWS's fd00:ec2::254
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  blocked.addSubnet(network, prefix, 'ipv6');
}

/** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d / ::ffff:7f00:1) or NAT64 (64:ff9b::/96) IPv6 address. */
export function embeddedIpv4(address: string): string | undefined {
  const lower = address.toLowerCase();
  const dotted = lower.match(/^(?:::ffff:|64:ff9b::)(\d{1,3}(?:\.\d{1,3}){3})$/);
  if (dotted) return dotted[1];
  const hex = lower.match(/^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/);
  if (hex) {
    const high = parseInt(hex[1]!, 16);
    const low = parseInt(hex[2]!, 16);
    return [high >> 8, high & 255, low >> 8, low & 255].join('.');
  }
  return undefined;
}

/** Why an address is not public (e.g. "loopback or private range"), or `undefined` for a public address. */
export function nonPublicReason(address: string): string | undefined {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 0) return 'not an IP address';
  if (family === 6) {
    const inner = embeddedIpv4(bare);
    if (inner !== undefined) return nonPublicReason(inner);
    return blocked.check(bare, 'ipv6') ? 'a loopback, private, link-local or reserved IPv6 address' : undefined;
  }
  return blocked.check(bare, 'ipv4') ? 'a loopback, private, link-local or reserved IPv4 address' : undefined;
}

export interface AddressPolicy {
  /** Allows every non-public address (tests, the local demo). */
  allowPrivateNetwork: boolean;
  /** Non-public addresses allowed one by one (e.g. a local mirror at "127.0.0.1"), when the rest stay refused. */
  allowedAddresses?: readonly string[];
}

/** Why the policy refuses an address, or `undefined` when it may be connected to. */
export function refusalOf(address: string, policy: AddressPolicy): string | undefined {
  if (policy.allowPrivateNetwork) return undefined;
  const reason = nonPublicReason(address);
  if (reason === undefined) return undefined;
  const bare = address.replace(/^\[|\]$/g, '');
  return policy.allowedAddresses?.includes(bare) ? undefined : reason;
}

/** A connection refused by the address policy: never retried. */
export class AddressRefusedError extends Error {
  readonly code = 'EBORDERWATCH_ADDRESS_REFUSED';
  constructor(
    readonly hostname: string,
    readonly address: string,
    reason: string,
  ) {
    super(`refused to connect to ${hostname === address ? address : `${hostname} (${address})`}: ${reason}`);
    this.name = 'AddressRefusedError';
  }
}

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name to all its addresses (injectable: tests and the benchmark resolve names to 127.0.0.1). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

type LookupCallback = (error: Error | null, address: string | ResolvedAddress[], family?: number) => void;

/**
 * A `lookup` for net/tls connect (undici's `connect.lookup`): resolves, refuses the whole host if any
 * of its addresses is refused (a name that mixes public and private addresses is an attack or a
 * misconfiguration), and answers in both of Node's shapes (single address, or `all: true` for
 * happy-eyeballs connection attempts).
 */
export function guardedLookup(policy: AddressPolicy, resolve: Resolver = systemResolver) {
  return (hostname: string, options: { all?: boolean; family?: number | string } | number | undefined, callback: LookupCallback): void => {
    const wantAll = typeof options === 'object' && options !== null && options.all === true;
    resolve(hostname).then(
      (addresses) => {
        if (addresses.length === 0) {
          callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
          return;
        }
        for (const { address } of addresses) {
          const reason = refusalOf(address, policy);
          if (reason !== undefined) {
            callback(new AddressRefusedError(hostname, address, reason), '', 0);
            return;
          }
        }
        if (wantAll) callback(null, addresses);
        else callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (error: Error) => callback(error, '', 0),
    );
  };
}

/** For a URL whose host is an IP literal (which connect never looks up): why it is refused, or `undefined`. */
export function literalRefusal(url: URL, policy: AddressPolicy): string | undefined {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return isIP(host) === 0 ? undefined : refusalOf(host, policy);
}
