/**
 * A reader of classic libpcap files (what tcpdump -w writes) that yields the UDP datagrams in
 * them, for golden tests over real captures. Ethernet (1), Linux cooked (113) and raw IPv4 (101)
 * link types; IPv4 only; no reassembly of IP fragments (they are reported, not returned).
 */
import { readFileSync } from 'node:fs';

export interface UdpDatagram {
  /** 1-based frame number, as tshark and the captures' guides count. */
  readonly frame: number;
  readonly time: number;
  readonly src: string;
  readonly srcPort: number;
  readonly dst: string;
  readonly dstPort: number;
  readonly payload: Uint8Array;
}

const ip = (b: Uint8Array, at: number) => `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;

export function readPcapUdp(path: string): UdpDatagram[] {
  const buf = new Uint8Array(readFileSync(path));
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = dv.getUint32(0, true);
  let le: boolean;
  let nano = false;
  if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) le = true;
  else if (magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1) le = false;
  else throw new Error(`${path}: not a libpcap file`);
  if (magic === 0xa1b23c4d || magic === 0x4d3cb2a1) nano = true;
  const linkType = dv.getUint32(20, le);
  const out: UdpDatagram[] = [];
  let at = 24;
  let frame = 0;
  while (at + 16 <= buf.length) {
    frame++;
    const sec = dv.getUint32(at, le);
    const frac = dv.getUint32(at + 4, le);
    const caplen = dv.getUint32(at + 8, le);
    const pkt = buf.subarray(at + 16, at + 16 + caplen);
    at += 16 + caplen;
    let ipAt: number;
    if (linkType === 1) ipAt = 14;
    else if (linkType === 113) ipAt = 16;
    else if (linkType === 101) ipAt = 0;
    else throw new Error(`${path}: unsupported link type ${linkType}`);
    if (pkt.length < ipAt + 20 || pkt[ipAt]! >> 4 !== 4) continue;
    const ihl = (pkt[ipAt]! & 0x0f) * 4;
    if (pkt[ipAt + 9] !== 17) continue;
    const fragField = (pkt[ipAt + 6]! << 8) | pkt[ipAt + 7]!;
    if ((fragField & 0x3fff) !== 0) throw new Error(`${path}: frame ${frame} is an IP fragment`);
    const udpAt = ipAt + ihl;
    const udpLen = (pkt[udpAt + 4]! << 8) | pkt[udpAt + 5]!;
    out.push({
      frame,
      time: sec + frac / (nano ? 1e9 : 1e6),
      src: ip(pkt, ipAt + 12),
      dst: ip(pkt, ipAt + 16),
      srcPort: (pkt[udpAt]! << 8) | pkt[udpAt + 1]!,
      dstPort: (pkt[udpAt + 2]! << 8) | pkt[udpAt + 3]!,
      payload: pkt.subarray(udpAt + 8, udpAt + udpLen),
    });
  }
  return out;
}
