import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Webhook URLs are chosen by admins but fetched from inside the service: in AWS
 * an endpoint on a private, loopback or link-local address (the metadata
 * service, the VPC) is refused, when it is registered and again on every
 * connect (a DNS answer may change after registration).
 */
const forbidden = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  forbidden.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  forbidden.addSubnet(network, prefix, 'ipv6');
}

export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  if (family === 6 && address.toLowerCase().startsWith('::ffff:')) {
    const mapped = address.slice(7);
    if (isIP(mapped) === 4) return forbidden.check(mapped, 'ipv4');
  }
  return forbidden.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export class EndpointRefused extends Error {
  override readonly name = 'EndpointRefused';
}

/** Checks the URL's form: https (http too where private endpoints are allowed), no credentials in it. */
export function checkWebhookUrl(raw: string, allowPrivate: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new EndpointRefused(`"${raw}" is not a URL`);
  }
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) {
    throw new EndpointRefused(`the webhook URL must use https${allowPrivate ? ' or http' : ''}`);
  }
  if (url.username || url.password) throw new EndpointRefused('the webhook URL must not carry credentials');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivate && isIP(host) !== 0 && isForbiddenAddress(host)) {
    throw new EndpointRefused(`the webhook URL points to a private, loopback or link-local address (${host})`);
  }
  return url;
}

/** Resolves like dns.lookup, then refuses the connection if any answer is a forbidden address. */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0);
    const bad = addresses.find((candidate) => isForbiddenAddress(candidate.address));
    if (bad)
      return callback(new EndpointRefused(`${hostname} resolves to a private, loopback or link-local address (${bad.address})`), '', 0);
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    const first = addresses[0];
    if (!first) return callback(new EndpointRefused(`${hostname} has no address`), '', 0);
    callback(null, first.address, first.family);
  });
};

/** Registration-time check in AWS: the name must resolve, and only to public addresses. */
export async function resolvesToPublicAddresses(url: URL): Promise<void> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0) {
    if (isForbiddenAddress(host))
      throw new EndpointRefused(`the webhook URL points to a private, loopback or link-local address (${host})`);
    return;
  }
  await new Promise<void>((resolve, reject) => {
    guardedLookup(host, { all: true }, (error) =>
      error ? reject(error instanceof EndpointRefused ? error : new EndpointRefused(`${host} does not resolve`)) : resolve(),
    );
  });
}
