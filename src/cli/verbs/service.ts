/**
 * `ros2ts service list|type|find|call`, as ros2service (Jazzy) prints them.
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { Client } from '../../index.js';
import { absoluteName, addGraphOptions, readStdin, visible } from '../common.js';
import { CliError, print, SilentFailure } from '../errors.js';
import { registry, serviceType } from '../interfaces.js';
import { InputError, messageFromValues, parseYaml } from '../message-input.js';
import { messageRepr } from '../python-repr.js';
import { interrupted, Session, sleep, withSession } from '../session.js';

const FOREVER_MS = 2_147_483_647;

interface ListOptions {
  showTypes?: boolean;
  countServices?: boolean;
  includeHiddenServices?: boolean;
  spinTime?: number;
}

export function registerService(program: Command): void {
  const service = program.command('service').description('Various service related sub-commands');

  addGraphOptions(
    service
      .command('list')
      .description('Output a list of available services')
      .option('-t, --show-types', 'Additionally show the service type')
      .option('-c, --count-services', 'Only display the number of services discovered')
      .option('--include-hidden-services', 'Consider hidden services as well'),
  ).action(async (o: ListOptions) => {
    const services = await withSession(undefined, async (s) => {
      await s.waitForDiscovery({ spinTime: o.spinTime });
      return visible(s.node.getServiceNamesAndTypes(), o.includeHiddenServices === true);
    });
    if (o.countServices) return print(String(services.length));
    for (const { name, types } of services) print(o.showTypes ? `${name} [${types.join(', ')}]` : name);
  });

  addGraphOptions(
    service
      .command('type')
      .description("Output a service's type")
      .argument('<service_name>', "Name of the ROS service to get type (e.g. '/talker/list_parameters')")
      .option('--include-hidden-services', 'Consider hidden services as well'),
  ).action(async (name: string, o: ListOptions) => {
    const wanted = absoluteName(name);
    const types = await withSession(undefined, async (s) => {
      const find = () =>
        visible(s.node.getServiceNamesAndTypes(), o.includeHiddenServices === true).find(
          (x) => x.name === wanted,
        );
      await s.waitForDiscovery({ spinTime: o.spinTime, until: () => find() !== undefined });
      return find()?.types;
    });
    if (!types) throw new SilentFailure();
    for (const t of types) print(t);
  });

  addGraphOptions(
    service
      .command('find')
      .description('Output a list of available services of a given type')
      .argument(
        '<service_type>',
        "Name of the ROS service type to filter for (e.g. 'rcl_interfaces/srv/ListParameters')",
      )
      .option('-c, --count-services', 'Only display the number of services discovered')
      .option('--include-hidden-services', 'Consider hidden services as well'),
  ).action(async (type: string, o: ListOptions) => {
    const services = await withSession(undefined, async (s) => {
      await s.waitForDiscovery({ spinTime: o.spinTime });
      return visible(s.node.getServiceNamesAndTypes(), o.includeHiddenServices === true);
    });
    const found = services.filter((x) => x.types.includes(type)).map((x) => x.name);
    if (o.countServices) return print(String(found.length));
    for (const n of found) print(n);
  });

  service
    .command('call')
    .description('Call a service')
    .argument('<service_name>', "Name of the ROS service to call to (e.g. '/add_two_ints')")
    .argument('<service_type>', "Type of the ROS service (e.g. 'std_srvs/srv/Empty')")
    .argument(
      '[values]',
      "Values to fill the service request with in YAML format (e.g. '{a: 1, b: 2}'), otherwise the service request will be published with default values",
    )
    .option('--stdin', 'Read values from standard input')
    .option('-r, --rate <N>', 'Repeat the call at a specific rate in Hz', parseRate)
    .option(
      '--timeout <seconds>',
      'Give up (exit 1) when the service is not available, or does not answer, within this time (default: wait forever, as ros2)',
      parseTimeout,
    )
    .action(
      async (
        name: string,
        typeText: string,
        values: string | undefined,
        o: { stdin?: boolean; rate?: number; timeout?: number },
      ) => {
        if (o.stdin && values !== undefined) {
          throw new CliError('argument --stdin: not allowed with argument values');
        }
        const text = o.stdin ? await readStdin() : (values ?? '{}');
        await call(name, typeText, text, o.rate, o.timeout);
      },
    );
}

function parseRate(text: string): number {
  const v = Number(text);
  if (text.trim() === '' || Number.isNaN(v)) throw new InvalidArgumentError('expects a number');
  if (v <= 0) throw new InvalidArgumentError('rate must be greater than zero');
  return v;
}

function parseTimeout(text: string): number {
  const v = Number(text);
  if (text.trim() === '' || !(v > 0)) throw new InvalidArgumentError('expects a number of seconds > 0');
  return v;
}

/** How long a call without --timeout waits before it says that it is waiting. */
const WAITING_NOTICE_MS = 3_000;

async function call(
  serviceName: string,
  typeText: string,
  valuesText: string,
  rate: number | undefined,
  timeoutS: number | undefined,
): Promise<void> {
  const type = serviceType(typeText);
  const reg = registry();
  const requestType = `${type}_Request`;
  let request: Record<string, unknown>;
  try {
    request = messageFromValues(reg, requestType, parseYaml(valuesText)).message;
  } catch (error) {
    if (error instanceof InputError) throw new CliError(`Failed to populate field: ${error.message}`);
    throw error;
  }
  const [pkg, , srv] = type.split('/') as [string, string, string];
  const timeoutMs = timeoutS === undefined ? FOREVER_MS : Math.min(FOREVER_MS, Math.round(timeoutS * 1000));
  const session = await Session.open(`_ros2cli_requester_${pkg}_${srv}`);
  const stop = new AbortController();
  const interrupt = interrupted();
  void interrupt.promise.then(() => stop.abort());
  try {
    let client: Client;
    try {
      client = session.node.createClient(type, serviceName);
    } catch (error) {
      throw new CliError((error as Error).message);
    }
    if (!client.isServiceAvailable()) {
      print('waiting for service to become available...');
      try {
        await client.waitForService({ timeout: timeoutMs, signal: stop.signal });
      } catch (_error) {
        if (stop.signal.aborted) throw new CliError('', 130);
        throw new CliError(
          `service ${client.name} did not become available within ${timeoutS} s: is its server running, in the same ROS_DOMAIN_ID and discovery range?`,
        );
      }
    }
    const period = rate === undefined ? undefined : 1000 / rate;
    for (;;) {
      print(`requester: making request: ${messageRepr(reg, requestType, request)}`, '');
      const lastCall = Date.now();
      let response: unknown;
      // As ros2, no --timeout waits for the answer as long as it takes; but say so, and how to stop.
      const notice =
        timeoutS === undefined
          ? setTimeout(
              () =>
                process.stderr.write(
                  `still waiting for the response of ${client.name} (no --timeout given; Ctrl+C stops)\n`,
                ),
              WAITING_NOTICE_MS,
            )
          : undefined;
      try {
        response = await client.call(request as never, { timeout: timeoutMs, signal: stop.signal });
      } catch (error) {
        if (stop.signal.aborted) throw new CliError('', 130);
        throw new CliError(`Exception while calling service: ${(error as Error).message}`);
      } finally {
        clearTimeout(notice);
      }
      print('response:', messageRepr(reg, `${type}_Response`, response), '');
      if (period === undefined) break;
      await sleep(Math.max(0, lastCall + period - Date.now()), stop.signal);
      if (stop.signal.aborted) break;
    }
  } finally {
    interrupt.dispose();
    await session.close();
  }
}
