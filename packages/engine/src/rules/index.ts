export { RuleProgram, type RuleRun } from './compile.js';
export { describeRuleLanguage, type RuleLanguageInfo } from './describe.js';
export { RuleError } from './errors.js';
export { RULE_LIMITS } from './parser.js';
