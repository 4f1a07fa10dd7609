export * from './names';
export * from './detect';
export * from './encoding';
