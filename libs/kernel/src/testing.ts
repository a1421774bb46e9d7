/** Test helpers for pure domain code (given/when/then decider specs). */
export { deciderSpec } from './testing/decider-spec';
