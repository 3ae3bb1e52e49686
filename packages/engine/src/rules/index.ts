export { RuleProgram } from './compile.js';
export { describeRuleLanguage } from './describe.js';
export { RuleError } from './errors.js';
export { RULE_LIMITS } from './parser.js';
