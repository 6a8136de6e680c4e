/**
 * Discovery Server client: ROS_DISCOVERY_SERVER / ROS_SUPER_CLIENT as Fast DDS reads them
 * (2.9.1 PDPClient.cpp `load_environment_server_info`, 2.14 `ros_super_client_env`), the servers'
 * GUID prefixes (ServerAttributes.h DEFAULT_ROS2_SERVER_GUIDPREFIX), and what a client puts on the
 * wire toward a server that has not answered yet and after it has (a fake server on the
 * simulated bus; the real one is in test/interop/discovery-server.test.ts).
 */
import { describe, expect, it } from 'vitest';
import {
  decodeParticipantData,
  encodeParticipantData,
  VENDOR,
} from '../../../../src/rtps/discovery-data/index.js';
import {
  discoveryServerFromEnv,
  parseDiscoveryServers,
  resolveDiscoveryServers,
  serverGuidPrefix,
  serverIdOf,
} from '../../../../src/rtps/participant/discovery-server.js';
import { sendDatagrams } from '../../../../src/rtps/sender/datagram-builder.js';
import { DiscoveryConfigError } from '../../../../src/rtps/transport/errors.js';
import { DropCounter } from '../../../../src/rtps/wire/errors.js';
import { parseMessage } from '../../../../src/rtps/wire/message.js';
import { findParameter, parseParameterList } from '../../../../src/rtps/wire/parameter-list.js';
import {
  DataFlags,
  type DataSubmessage,
  FLAG_ENDIANNESS,
  type Submessage,
} from '../../../../src/rtps/wire/submessage.js';
import {
  ENTITYID_PARTICIPANT,
  ENTITYID_SPDP_READER,
  ENTITYID_SPDP_WRITER,
  type GuidPrefix,
  prefixKey,
  udpv4Locator,
} from '../../../../src/rtps/wire/types.js';
import { simulatedBus } from '../../../support/simulated.js';

const hex = (p: GuidPrefix) => Buffer.from(p).toString('hex');

describe('parseDiscoveryServers', () => {
  it('gives each entry its position as id, skips empty entries, and defaults the port to 11811', () => {
    expect(parseDiscoveryServers('10.0.0.5:11811;;192.168.1.9')).toEqual([
      { id: 0, host: '10.0.0.5', port: 11811 },
      { id: 2, host: '192.168.1.9', port: 11811 },
    ]);
    expect(parseDiscoveryServers(';127.0.0.1:14520')).toEqual([{ id: 1, host: '127.0.0.1', port: 14520 }]);
  });

  it('ignores one trailing separator, maps 0.0.0.0 to 127.0.0.1, takes names and UDPv4:[name]:port', () => {
    expect(parseDiscoveryServers('127.0.0.1;')).toEqual([{ id: 0, host: '127.0.0.1', port: 11811 }]);
    expect(parseDiscoveryServers('127.0.0.1;;')).toHaveLength(1);
    expect(parseDiscoveryServers('0.0.0.0:1')).toEqual([{ id: 0, host: '127.0.0.1', port: 1 }]);
    expect(parseDiscoveryServers('robot-1.local:11888;UDPv4:[base]:7400')).toEqual([
      { id: 0, host: 'robot-1.local', port: 11888 },
      { id: 1, host: 'base', port: 7400 },
    ]);
  });

  it('gives no servers for an empty value', () => {
    expect(parseDiscoveryServers('')).toEqual([]);
  });

  it('refuses what Fast DDS refuses (naming the variable) and IPv6', () => {
    for (const bad of ['127.0.0.1:70000', '300.1.1.1', 'a b', ';', '[::1]:11811', 'UDPv6:[::1]:1', '1.2.3']) {
      expect(() => parseDiscoveryServers(bad), bad).toThrow(DiscoveryConfigError);
    }
    const error = (() => {
      try {
        parseDiscoveryServers('127.0.0.1:0');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(DiscoveryConfigError);
    expect((error as DiscoveryConfigError).variable).toBe('ROS_DISCOVERY_SERVER');
    // Ids are one octet: the 257th entry is refused.
    expect(() => parseDiscoveryServers(`${';'.repeat(256)}127.0.0.1`)).toThrow(/ids stop at 255/);
    expect(parseDiscoveryServers(`${';'.repeat(255)}127.0.0.1`)[0]?.id).toBe(255);
  });
});

describe('server GUID prefix', () => {
  it('is 44.53.<id>.5f.45.50.52.4f.53.49.4d.41 ("DS" id "_EPROSIMA")', () => {
    expect(hex(serverGuidPrefix(0))).toBe('4453005f4550524f53494d41');
    expect(hex(serverGuidPrefix(1))).toBe('4453015f4550524f53494d41');
    expect(hex(serverGuidPrefix(255))).toBe('4453ff5f4550524f53494d41');
    expect(Buffer.from(serverGuidPrefix(0)).subarray(3).toString('latin1')).toBe('_EPROSIMA');
    expect(() => serverGuidPrefix(256)).toThrow(RangeError);
  });

  it('gives back its id, and nothing for other prefixes', () => {
    expect(serverIdOf(serverGuidPrefix(7))).toBe(7);
    const other = serverGuidPrefix(7);
    other[11] = 0;
    expect(serverIdOf(other)).toBeUndefined();
  });
});

describe('discoveryServerFromEnv', () => {
  it('reads ROS_SUPER_CLIENT as Fast DDS does, and warns on other values', () => {
    const env = (v?: string) => ({ ROS_DISCOVERY_SERVER: '127.0.0.1', ROS_SUPER_CLIENT: v });
    for (const v of ['TRUE', 'true', 'True', '1'])
      expect(discoveryServerFromEnv(env(v)).options?.superClient).toBe(true);
    for (const v of ['FALSE', 'false', 'False', '0', undefined])
      expect(discoveryServerFromEnv(env(v)).options?.superClient).toBe(false);
    const odd = discoveryServerFromEnv(env('yes'));
    expect(odd.options?.superClient).toBe(false);
    expect(odd.warnings.join()).toMatch(/ROS_SUPER_CLIENT="yes"/);
  });

  it('makes command-line tools super clients unless ROS_SUPER_CLIENT says no', () => {
    expect(discoveryServerFromEnv({ ROS_DISCOVERY_SERVER: '127.0.0.1' }, true).options?.superClient).toBe(
      true,
    );
    expect(
      discoveryServerFromEnv({ ROS_DISCOVERY_SERVER: '127.0.0.1', ROS_SUPER_CLIENT: 'False' }, true).options
        ?.superClient,
    ).toBe(false);
  });

  it('is no server at all when ROS_DISCOVERY_SERVER is unset or empty', () => {
    expect(discoveryServerFromEnv({}).options).toBeUndefined();
    expect(
      discoveryServerFromEnv({ ROS_DISCOVERY_SERVER: '', ROS_SUPER_CLIENT: '1' }).options,
    ).toBeUndefined();
  });

  it('resolves names with the given lookup and keeps addresses as they are', async () => {
    const asked: string[] = [];
    const resolved = await resolveDiscoveryServers(parseDiscoveryServers('base:7400;10.0.0.2'), async (h) => {
      asked.push(h);
      return '10.9.9.9';
    });
    expect(asked).toEqual(['base']);
    expect(resolved.map((s) => [s.id, s.address, s.port, hex(s.prefix)])).toEqual([
      [0, '10.9.9.9', 7400, '4453005f4550524f53494d41'],
      [1, '10.0.0.2', 11811, '4453015f4550524f53494d41'],
    ]);
  });
});

/** What a fake server at 10.0.0.9:11811 (id 3) receives, parsed. */
interface Received {
  readonly at: number;
  readonly source: GuidPrefix;
  readonly vendorId: readonly [number, number];
  readonly submessages: readonly Submessage[];
}

describe('a client on the wire, toward a fake server', () => {
  async function setup(range: 'subnet' | 'localhost' = 'subnet') {
    const sim = simulatedBus();
    const received: Received[] = [];
    const serverTransport = sim.bus.transport('10.0.0.9');
    const channel = await serverTransport.openUnicast(11811);
    channel.onDatagram((d) => {
      const m = parseMessage(d, new DropCounter());
      if (m)
        received.push({
          at: sim.clock.now(),
          source: m.header.guidPrefix,
          vendorId: m.header.vendorId,
          submessages: m.submessages,
        });
    });
    const multicast: number[] = [];
    const watcher = sim.bus.transport('10.0.0.8');
    (await watcher.openMulticast('239.255.0.1', 7400)).onDatagram(() => multicast.push(sim.clock.now()));
    const client = await sim.participant('10.0.0.1', {
      discovery: { domainId: 0, range, staticPeers: [] },
      discoveryServer: { servers: [{ id: 3, host: '10.0.0.9', port: 11811 }] },
    });
    const datas = () =>
      received.flatMap((r) =>
        r.submessages.filter(
          (s): s is DataSubmessage => s.kind === 'DATA' && s.writerId === ENTITYID_SPDP_WRITER,
        ),
      );
    /** Sends SPDP DATA(p) from the server's SPDP writer, as the server itself or relaying `about`. */
    const serverSends = (about: GuidPrefix, sn: number, domainId?: number) => {
      const prefix = serverGuidPrefix(3);
      const payload = encodeParticipantData({
        guid: { prefix: about, entityId: ENTITYID_PARTICIPANT },
        vendorId: [0x01, 0x0f],
        ...(domainId === undefined ? {} : { domainId }),
        leaseDuration: { seconds: 20, fraction: 0 },
        metatrafficUnicastLocators: [
          udpv4Locator(prefixKey(about) === prefixKey(prefix) ? '10.0.0.9' : '10.0.0.7', 7410),
        ],
      });
      const data: DataSubmessage = {
        kind: 'DATA',
        flags: FLAG_ENDIANNESS | DataFlags.DATA,
        extraFlags: 0,
        readerId: ENTITYID_SPDP_READER,
        writerId: ENTITYID_SPDP_WRITER,
        writerSN: sn,
        payload,
      };
      sendDatagrams({ version: [2, 3], vendorId: [0x01, 0x0f], guidPrefix: prefix }, 1400, [], [data], (d) =>
        serverTransport.send(d, { address: '10.0.0.1', port: 7410 }),
      );
    };
    return { sim, received, multicast, client, datas, serverSends };
  }

  it('sends its DATA(p) reliably to the server: sample identity, vendor 01.0F, CLIENT, DS_VERSION 2.0', async () => {
    const { sim, received, multicast, client, datas } = await setup();
    await sim.run(100);
    const first = datas()[0];
    expect(first).toBeDefined();
    expect(first?.readerId).toBe(ENTITYID_SPDP_READER);
    expect(hex(received[0]!.source)).toBe(hex(client.guidPrefix));
    // A Fast DDS 3 server takes the vendor from the message header, not PID_VENDORID
    // (3.6.2 ParticipantProxyData::read_from_cdr_message), and serves eProsima only.
    expect(received.every((r) => r.vendorId[0] === 0x01 && r.vendorId[1] === 0x0f)).toBe(true);
    // INFO_DST names the server by the prefix its id gives.
    const dst = received[0]!.submessages.find((s) => s.kind === 'INFO_DST');
    expect(dst && hex(dst.guidPrefix)).toBe('4453035f4550524f53494d41');
    // The sample identity (our SPDP writer GUID, SN 1) under 0x0083 (2.14) and 0x800f (2.9).
    const q = parseParameterList(first!.inlineQos!, true);
    const identity = `${hex(client.guidPrefix)}000100c2${'00000000'}${'01000000'}`;
    expect(first!.writerSN).toBe(1);
    for (const pid of [0x0083, 0x800f])
      expect(Buffer.from(findParameter(q, pid) ?? []).toString('hex'), `PID ${pid}`).toBe(identity);
    const data = decodeParticipantData(first!.payload!, VENDOR.ROS2TS);
    expect(data.vendorId).toEqual([0x01, 0x0f]);
    expect(data.properties?.properties).toEqual([
      { name: 'PARTICIPANT_TYPE', value: 'CLIENT' },
      { name: 'DS_VERSION', value: '2.0' },
    ]);
    expect(data.metatrafficMulticastLocators).toEqual([]);
    // A HEARTBEAT from the same writer follows, so the server's reliable reader knows what there is.
    expect(
      received.some((r) =>
        r.submessages.some((s) => s.kind === 'HEARTBEAT' && s.writerId === ENTITYID_SPDP_WRITER),
      ),
    ).toBe(true);
    await sim.run(2000);
    expect(multicast).toEqual([]);
    await client.close();
  });

  it('repeats the same DATA(p) every 450 ms until the server answers, then every announcement period', async () => {
    const { sim, client, datas, serverSends } = await setup();
    await sim.run(2000);
    const pings = datas();
    // At 0, 450, 900, 1350, 1800 ms: five, all the same change.
    expect(pings).toHaveLength(5);
    expect(new Set(pings.map((d) => d.writerSN))).toEqual(new Set([1]));
    serverSends(serverGuidPrefix(3), 1);
    await sim.run(50);
    const server = client.participants.find(
      (p) => prefixKey(p.data.guid.prefix) === prefixKey(serverGuidPrefix(3)),
    );
    expect(server?.discoveryServer).toBe('server');
    const before = datas().length;
    await sim.run(2900);
    expect(datas().length - before).toBe(0);
    await sim.run(200);
    expect(datas().length - before).toBe(1);
    await client.close();
  });

  it('takes relayed participants without a lease of their own, and says goodbye to the server', async () => {
    const { sim, client, datas, serverSends } = await setup();
    const other = Uint8Array.from([1, 0x0f, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    serverSends(serverGuidPrefix(3), 1);
    serverSends(other, 2);
    await sim.run(50);
    const relayed = client.participants.find((p) => prefixKey(p.data.guid.prefix) === prefixKey(other));
    expect(relayed?.discoveryServer).toBe('relayed');
    expect(relayed?.expiresAt).toBe(Number.POSITIVE_INFINITY);
    // 30 s: past the relayed one's 20 s lease; the server keeps itself alive by talking.
    for (let i = 0; i < 10; i++) {
      serverSends(serverGuidPrefix(3), 1);
      await sim.run(3000);
    }
    const known = client.participants.map((p) => prefixKey(p.data.guid.prefix));
    expect(known).toContain(prefixKey(other));
    expect(known).toContain(prefixKey(serverGuidPrefix(3)));
    const n = datas().length;
    await client.close();
    await sim.run(10);
    const bye = datas().slice(n);
    expect(bye).toHaveLength(1);
    const q = parseParameterList(bye[0]!.inlineQos!, true);
    // Its own sample identity, KEY_HASH (our participant GUID), STATUS_INFO disposed | unregistered.
    expect(Buffer.from(findParameter(q, 0x800f) ?? []).toString('hex')).toBe(
      `${hex(client.guidPrefix)}000100c2${'00000000'}${bye[0]!.writerSN.toString(16).padStart(2, '0')}000000`,
    );
    expect(Buffer.from(findParameter(q, 0x0070) ?? []).toString('hex')).toBe(
      `${hex(client.guidPrefix)}000001c1`,
    );
    expect(Buffer.from(findParameter(q, 0x0071) ?? []).toString('hex')).toBe('00000003');
  });

  it('takes a restarted server afresh after its lease ran out (its sequence numbers start again)', async () => {
    const { sim, client, serverSends } = await setup();
    const known = (p: GuidPrefix) =>
      client.participants.some((q) => prefixKey(q.data.guid.prefix) === prefixKey(p));
    const x = Uint8Array.from([1, 0x0f, 9, 9, 9, 9, 0, 0, 0, 0, 0, 1]);
    const y = Uint8Array.from([1, 0x0f, 9, 9, 9, 9, 0, 0, 0, 0, 0, 2]);
    serverSends(serverGuidPrefix(3), 1);
    serverSends(x, 2);
    await sim.run(50);
    expect(known(x)).toBe(true);
    // The server goes silent past its 20 s lease, then comes back counting from 1.
    await sim.run(21_000);
    expect(known(serverGuidPrefix(3))).toBe(false);
    serverSends(serverGuidPrefix(3), 1);
    serverSends(y, 2);
    await sim.run(50);
    expect(known(serverGuidPrefix(3))).toBe(true);
    expect(known(y)).toBe(true);
    await client.close();
  });

  it('takes the server and whom it relays whatever domain they announce (a Fast DDS 3 server says 0)', async () => {
    const { sim, client, serverSends } = await setup();
    const other = Uint8Array.from([1, 0x0f, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11]);
    // The client is in domain 0; `fast-discovery-server` 3.x announces 0 whatever its clients use.
    serverSends(serverGuidPrefix(3), 1, 7);
    serverSends(other, 2, 9);
    await sim.run(50);
    const known = client.participants.map((p) => prefixKey(p.data.guid.prefix));
    expect(known).toContain(prefixKey(serverGuidPrefix(3)));
    expect(known).toContain(prefixKey(other));
    await client.close();
  });

  it('under LOCALHOST still takes the locators of a server on another host, as of a static peer', async () => {
    const { sim, client, serverSends } = await setup('localhost');
    serverSends(serverGuidPrefix(3), 1);
    await sim.run(50);
    const server = client.participants.find(
      (p) => prefixKey(p.data.guid.prefix) === prefixKey(serverGuidPrefix(3)),
    );
    expect(server?.metatraffic).toEqual([{ address: '10.0.0.9', port: 7410 }]);
    await client.close();
  });
});
