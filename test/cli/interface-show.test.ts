/**
 * `ros2 interface show` text, against what ros2interface's own code (Jazzy `verb/show.py` with
 * rosidl_adapter's `parser.py`) printed for the same files (fixtures/interface-show.json):
 * comments kept at the top level, nested definitions tab-indented without comments, and
 * ros2interface's quirks when it cuts trailing comments (`float64 x  #`, a `[unit]` comment).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InterfaceRegistry } from '../../src/cdr/index.js';
import { showInterface } from '../../src/cli/interface-text.js';

const fixtures = join(import.meta.dirname, 'fixtures');
const expected = JSON.parse(readFileSync(join(fixtures, 'interface-show.json'), 'utf8')) as Record<
  string,
  string
>;
const registry = new InterfaceRegistry({ paths: [join(fixtures, 'interfaces')], amentPrefixPath: false });

describe('interface show', () => {
  const modes = {
    default: {},
    no: { comments: false },
    all: { allComments: true },
  } as const;
  for (const type of ['demo_msgs/msg/Demo', 'demo_msgs/srv/Check', 'geometry_msgs/msg/Twist']) {
    for (const [mode, options] of Object.entries(modes)) {
      it(`${type} (${mode === 'default' ? 'default' : `--${mode}-comments`})`, () => {
        const lines = showInterface(registry, type, options);
        expect(lines.map((l) => `${l}\n`).join('')).toBe(expected[`${type} ${mode}`]);
      });
    }
  }
});
