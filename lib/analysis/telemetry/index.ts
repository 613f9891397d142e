export * from './types';
export * from './telemetry';
