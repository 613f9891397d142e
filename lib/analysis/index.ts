export * from './types';
export * from './reachability';
