import { MemoryStore } from '../../src/delivery/index.js';
import { storeConformance } from './store-conformance.js';

storeConformance('memory', { open: async () => new MemoryStore() });
