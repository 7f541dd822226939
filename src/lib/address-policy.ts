import { BlockList, isIP } from 'node:net';

/**
 * Which addresses a delivery may connect to. Cloud metadata endpoints are always refused (a
 * webhook URL must never become a way to read the host's credentials); private, loopback and
 * link-local networks only when the operator asks (DELIVERY_REFUSE_PRIVATE_TARGETS), since a
 * self-hosted server's receivers usually live on the internal network.
 */
const METADATA = new BlockList();
METADATA.addAddress('169.254.169.254', 'ipv4');
METADATA.addAddress('fd00:ec2::254', 'ipv6');

const PRIVATE = new BlockList();
for (const [net, prefix] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4]] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv6');
}

/** An IPv4 address written as IPv6 (`::ffff:10.0.0.1`) is judged as the IPv4 address it is. */
function normalise(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return { address: mapped[1], family: 'ipv4' };
  return { address, family: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

/** Why the address is refused, or undefined when a delivery may connect to it. */
export function refusalOf(address: string, refusePrivate: boolean): string | undefined {
  const { address: a, family } = normalise(address);
  if (METADATA.check(a, family)) return `${address} is a cloud metadata address and is never a delivery target`;
  if (refusePrivate && PRIVATE.check(a, family)) return `${address} is a private, loopback or link-local address (DELIVERY_REFUSE_PRIVATE_TARGETS is on)`;
  return undefined;
}

/** The host of a URL as an IP literal (brackets of IPv6 removed), or undefined for a name. */
export function literalAddress(hostname: string): string | undefined {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return isIP(bare) ? bare : undefined;
}
