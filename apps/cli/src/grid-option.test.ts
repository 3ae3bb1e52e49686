import { describe, expect, it } from 'vitest';
import { CliError } from './cli-error.js';
import { parseGrid } from './grid-option.js';

describe('--grid', () => {
  it('start:stop:step includes both ends; a list keeps its order', () => {
    expect(parseGrid(['fast=5:50:5', 'slow=10,30,20'])).toEqual({
      fast: [5, 10, 15, 20, 25, 30, 35, 40, 45, 50],
      slow: [10, 30, 20],
    });
  });

  it('decimal steps give the decimals written, and a stop off the step is not passed', () => {
    expect(parseGrid(['x=0.1:0.5:0.1'])).toEqual({ x: [0.1, 0.2, 0.3, 0.4, 0.5] });
    expect(parseGrid(['x=1:10:4'])).toEqual({ x: [1, 5, 9] });
  });

  it.each([
    ['fast', '--grid must look like name=start:stop:step or name=v1,v2,..., got "fast"'],
    ['=1,2', '--grid must look like name=start:stop:step or name=v1,v2,..., got "=1,2"'],
    ['fast=', '--grid must look like name=start:stop:step or name=v1,v2,..., got "fast="'],
    ['fast=5:50', '--grid fast=5:50: a range is start:stop:step, e.g. fast=5:50:5'],
    ['fast=5:x:5', '--grid fast=5:x:5: "x" is not a number'],
    ['fast=5:50:0', '--grid fast=5:50:0: the step must be positive'],
    ['fast=50:5:5', '--grid fast=50:5:5: the stop is below the start'],
    ['fast=1:5000:1', '--grid fast=1:5000:1: 5000 values, more than the 1000 a parameter may have'],
    ['fast=5,,10', '--grid fast=5,,10: an empty value'],
  ])('refuses %s in one line', (spec, message) => {
    expect(() => parseGrid([spec])).toThrow(new CliError(message));
  });

  it('refuses a parameter given twice', () => {
    expect(() => parseGrid(['fast=5', 'fast=10'])).toThrow('--grid fast is given twice');
  });
});
