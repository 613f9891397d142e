export * from './types';
export * from './reachability';
export * from './telemetry';
