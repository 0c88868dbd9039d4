// 5A's face to later segments: the demand-surface law 5B integrates over the horizon.
export { horizonWeights } from './surfaces.js';
