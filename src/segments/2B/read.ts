// 2B's face to later segments: its policies and the site router built from its published alias tables.
export { load2B } from './policies.js';
export { loadSiteRouter } from './router.js';
