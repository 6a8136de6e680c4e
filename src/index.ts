/** ros2ts: ROS 2 in plain Node.js. The layers above CDR arrive in later releases. */
export * from './cdr/index.js';
