/**
 * An independent encoder of rmw_dds_common/msg/ParticipantEntitiesInfo for golden tests:
 * @foxglove/rosmsg parses the message definitions as each distribution's rmw_dds_common has them
 * (`msg/Gid.msg` is `char[24] data` on the humble branch, `char[16] data` from iron on; the other
 * two messages are the same), and @foxglove/rosmsg2-serialization writes the CDR.
 */
import { parse } from '@foxglove/rosmsg';
import { MessageWriter } from '@foxglove/rosmsg2-serialization';
import type { ParticipantEntities } from '../../src/rmw/graph/participant-entities.js';
import type { Guid } from '../../src/rtps/wire/types.js';

function definitionText(gidSize: 16 | 24): string {
  return [
    'rmw_dds_common/Gid gid',
    'rmw_dds_common/NodeEntitiesInfo[] node_entities_info_seq',
    '================================================================================',
    'MSG: rmw_dds_common/Gid',
    `char[${gidSize}] data`,
    '================================================================================',
    'MSG: rmw_dds_common/NodeEntitiesInfo',
    'string<=256 node_namespace',
    'string<=256 node_name',
    'rmw_dds_common/Gid[] reader_gid_seq',
    'rmw_dds_common/Gid[] writer_gid_seq',
  ].join('\n');
}

const writers = new Map<number, MessageWriter>();

/** The CDR (little endian, encapsulation included) of `info` with gids of `gidSize` bytes. */
export function foxgloveParticipantEntities(info: ParticipantEntities, gidSize: 16 | 24): Uint8Array {
  let writer = writers.get(gidSize);
  if (!writer) {
    writer = new MessageWriter(parse(definitionText(gidSize), { ros2: true }));
    writers.set(gidSize, writer);
  }
  // An rmw gid: the 16 bytes of the GUID, the rest zero (Humble's rmws zero-initialise it).
  const gid = (g: Guid) => {
    const data = new Uint8Array(gidSize);
    data.set(g.prefix);
    new DataView(data.buffer).setUint32(12, g.entityId, false);
    return { data };
  };
  return writer.writeMessage({
    gid: gid(info.gid),
    node_entities_info_seq: info.nodes.map((n) => ({
      node_namespace: n.namespace,
      node_name: n.name,
      reader_gid_seq: n.readers.map(gid),
      writer_gid_seq: n.writers.map(gid),
    })),
  });
}
