export { formatHuman, formatScenarioResult, formatSummary, formatInvalidFiles, stepLabel, shouldColor, type HumanFormatOptions } from './formatHuman.js';
export { formatJson } from './formatJson.js';
export { formatJunit, escapeXml, type JunitFormatOptions } from './formatJunit.js';
export { formatTap } from './formatTap.js';
