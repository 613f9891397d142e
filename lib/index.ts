export {};
export * from './analysis';
