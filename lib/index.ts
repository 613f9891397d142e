export {};
export * from './aws';
