export * from './schema.js';
export * from './report.js';
export { parseScenario, formatIssue, formatIssuePath, stepActions, closest, type ScenarioIssue } from './parseScenario.js';
export { scenarioJsonSchema } from './scenarioJsonSchema.js';
export { validateScenarios, partitionScenarios, loadScenarios, type ScenarioSource, type ScenarioValidation, type LoadedScenario } from './validateScenarios.js';
export { runScenario, type RunScenarioOptions } from './runScenario.js';
export { runScenarios, closeScenarioWorkers, type RunScenariosOptions } from './runScenarios.js';
export { MAX_CONCURRENCY, MAX_REPEAT } from './limits.js';
export * from './reporters/index.js';
