export { formatHuman, shouldColor, type HumanFormatOptions } from './formatHuman.js';
export { formatJson } from './formatJson.js';
export { formatJunit, escapeXml } from './formatJunit.js';
export { formatTap } from './formatTap.js';
