import { isIPv4, isIPv6 } from 'node:net';

/**
 * The key failed PIN attempts are counted under. IPv4 addresses count one by
 * one; an IPv6 client is counted by its /64 prefix, because one subscriber
 * usually holds a whole /64 and could otherwise rotate addresses for free.
 */
export function clientKeyFor(ip: string): string {
  const address = ip.trim().toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (mapped?.[1]) return mapped[1];
  if (isIPv4(address)) return address;
  if (isIPv6(address)) return `${expandIPv6(address).slice(0, 4).join(':')}::/64`;
  return `other:${address.slice(0, 64)}`;
}

function expandIPv6(address: string): string[] {
  const [head = '', tail] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const missing = 8 - left.length - right.length;
  return [...left, ...Array.from({ length: tail === undefined ? 0 : missing }, () => '0'), ...right].map((part) => part.padStart(4, '0'));
}

/**
 * CloudFront's `CloudFront-Viewer-Address` ("ip:port"; IPv6 unbracketed) names
 * the real client when API Gateway only sees the edge. Returns undefined when
 * the header is absent or malformed.
 */
export function viewerAddressIp(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const separator = header.lastIndexOf(':');
  if (separator <= 0) return undefined;
  const ip = header.slice(0, separator).replace(/^\[|\]$/g, '');
  return isIPv4(ip) || isIPv6(ip) ? ip : undefined;
}
