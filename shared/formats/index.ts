export * from './names';
export * from './detect';
