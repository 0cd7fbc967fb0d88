// Lets `node` run the TypeScript benchmarks directly (tsx loader).
import { register } from 'node:module';
register('tsx/esm', import.meta.url);
