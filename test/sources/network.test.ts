import { describe, expect, it } from 'vitest';
import { AddressRefusedError, guardedLookup, nonPublicReason, refusalOf, type Resolver } from '../../functions/sources/network';

describe('address policy', () => {
  it.each([
    '127.0.0.1',
    '127.8.9.10',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '0.0.0.0',
    '100.64.0.1',
    '::1',
    '::',
    'fc00::1',
    'fd00:ec2::254',
    'fe80::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:a9fe:a9fe',
    '64:ff9b::10.0.0.1',
    '[::1]',
  ])('refuses %s', (address) => {
    expect(nonPublicReason(address)).toBeDefined();
  });

  it.each(['193.166.1.10', '8.8.8.8', '172.32.0.1', '2001:4860:4860::8888', '::ffff:8.8.8.8'])('allows the public address %s', (address) => {
    expect(nonPublicReason(address)).toBeUndefined();
  });

  it('allows everything when private networks are explicitly allowed', () => {
    expect(refusalOf('169.254.169.254', { allowPrivateNetwork: true })).toBeUndefined();
  });

  it('allows a single listed private address and still refuses its neighbours', () => {
    const policy = { allowPrivateNetwork: false, allowedAddresses: ['127.0.0.1'] };
    expect(refusalOf('127.0.0.1', policy)).toBeUndefined();
    expect(refusalOf('127.0.0.2', policy)).toBeDefined();
  });
});

/** A resolver that answers from a table, as DNS would. */
const fakeResolver =
  (table: Record<string, string[]>): Resolver =>
  async (hostname) => {
    const addresses = table[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

function lookupOnce(lookup: ReturnType<typeof guardedLookup>, hostname: string, all: boolean) {
  return new Promise<{ error: Error | null; result: unknown }>((resolve) => {
    lookup(hostname, { all }, (error, address, family) => resolve({ error, result: all ? address : { address, family } }));
  });
}

describe('guarded DNS lookup', () => {
  const resolver = fakeResolver({
    'stats.example': ['193.166.1.10'],
    'metadata.example': ['169.254.169.254'],
    'rebind.example': ['193.166.1.10', '10.0.0.5'],
  });
  const lookup = guardedLookup({ allowPrivateNetwork: false }, resolver);

  it('passes a public address on in the single-address shape', async () => {
    expect(await lookupOnce(lookup, 'stats.example', false)).toEqual({ error: null, result: { address: '193.166.1.10', family: 4 } });
  });

  it('passes public addresses on in the all-addresses shape used for happy eyeballs', async () => {
    expect(await lookupOnce(lookup, 'stats.example', true)).toEqual({ error: null, result: [{ address: '193.166.1.10', family: 4 }] });
  });

  it('refuses a name that resolves to the cloud metadata address', async () => {
    const { error } = await lookupOnce(lookup, 'metadata.example', false);
    expect(error).toBeInstanceOf(AddressRefusedError);
    expect(error!.message).toBe('refused to connect to metadata.example (169.254.169.254): a loopback, private, link-local or reserved IPv4 address');
  });

  it('refuses a name whose addresses mix public and private ones', async () => {
    expect((await lookupOnce(lookup, 'rebind.example', true)).error).toBeInstanceOf(AddressRefusedError);
  });

  it('passes DNS errors through unchanged', async () => {
    expect((await lookupOnce(lookup, 'nowhere.example', false)).error?.message).toContain('ENOTFOUND');
  });
});
