// 1B's face to later segments: its policies (3B places settlement nodes with 1B's country shapes).
export { load1B } from './policies.js';
