/**
 * roslib 2.x from npm, typed for the tests that drive the bridge with it. Its published
 * declarations re-export from `.ts` paths that TypeScript does not resolve (roslib 2.1.0's
 * dist/src/RosLib.d.ts), so they export nothing here: the surface the tests use is declared below.
 */
import * as roslibModule from 'roslib';

type Callback<T> = (value: T) => void;
type Failure = (error: string) => void;

export interface RosInstance {
  connect(url: string): Promise<void>;
  close(): void;
  on(event: 'connection' | 'close' | 'error', listener: (event: unknown) => void): void;
  getTopics(callback: Callback<{ topics: string[]; types: string[] }>, failed?: Failure): void;
  getServices(callback: Callback<string[]>, failed?: Failure): void;
  getNodes(callback: Callback<string[]>, failed?: Failure): void;
  getNodeDetails(
    node: string,
    callback: Callback<{ subscribing: string[]; publishing: string[]; services: string[] }>,
    failed?: Failure,
  ): void;
  getTopicType(topic: string, callback: Callback<string>, failed?: Failure): void;
}

export interface TopicInstance<T> {
  subscribe(callback: Callback<T>): void;
  unsubscribe(callback?: Callback<T>): void;
  publish(message: T): void;
}

export interface ServiceInstance<Req, Res> {
  callService(request: Req, callback: Callback<Res>, failed?: Failure, timeoutS?: number): void;
  advertiseAsync(handler: (request: Req) => Promise<Res>): Promise<void>;
}

export interface RoslibApi {
  Ros: new (options: { url?: string }) => RosInstance;
  Topic: new <T>(options: {
    ros: RosInstance;
    name: string;
    messageType: string;
    compression?: 'none' | 'cbor' | 'cbor-raw' | 'png';
    throttle_rate?: number;
    queue_length?: number;
  }) => TopicInstance<T>;
  Service: new <Req, Res>(options: {
    ros: RosInstance;
    name: string;
    serviceType: string;
  }) => ServiceInstance<Req, Res>;
}

export const { Ros, Topic, Service } = roslibModule as unknown as RoslibApi;

/** A roslib client connected to `url` (rejects on the connection's error); the caller closes it. */
export async function connectRoslib(url: string): Promise<RosInstance> {
  const ros = new Ros({});
  const connected = new Promise<void>((resolve, reject) => {
    ros.on('connection', () => resolve());
    ros.on('error', (e) => reject(e));
  });
  await ros.connect(url);
  await connected;
  return ros;
}
