/**
 * Conformance vectors: the file format and the verifier.
 *
 * @module
 */
export * from './format.js';
export { parseVectorFile, verifyVectorFile, type VerifyReport } from './verify.js';
export { MimiError, type Result } from '../errors.js';
