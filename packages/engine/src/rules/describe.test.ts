import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeRuleLanguage } from './describe.js';

const guide = readFileSync(new URL('../../../../docs/strategies.md', import.meta.url), 'utf8');

describe('the rule language as documented', () => {
  const language = describeRuleLanguage();

  it('documents every function with its arguments in docs/strategies.md', () => {
    for (const { name, args } of language.functions) {
      const call = `${name}(${args.map((arg) => arg.name).join(', ')})`;
      const shortened = `${name}(...)`;
      expect(
        guide.includes(call) ||
          guide.includes(shortened) ||
          guide.includes(`${name}(a: value, b: value)`),
        `${call} in docs/strategies.md`,
      ).toBe(true);
    }
  });

  it('states the limits it enforces', () => {
    const { maxLength, maxDepth, maxNodes } = language.limits;
    for (const limit of [maxLength, maxDepth, maxNodes]) {
      expect(guide).toMatch(new RegExp(`\\| ${limit} +\\|`));
    }
  });
});
