import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatProgress, ProgressBar } from './progress-bar.js';

describe('formatProgress', () => {
  it('draws the issue example: 0.52 -> 5 of 10 cells, 52%', () => {
    expect(formatProgress({ progress: 0.52, step: 'simulation', barsProcessed: 1040 })).toBe(
      '[#####.....] 52% simulation 1,040 bars',
    );
  });

  it('leaves out the bar count when the step has none, and clamps', () => {
    expect(formatProgress({ progress: 1.2, step: 'saving', barsProcessed: null })).toBe(
      '[##########] 100% saving',
    );
  });
});

describe('ProgressBar', () => {
  function capture(tty: boolean) {
    const out = Object.assign(new PassThrough(), { isTTY: tty });
    let text = '';
    out.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    return { out, text: () => text };
  }

  it('redraws one line in place on a terminal', () => {
    const { out, text } = capture(true);
    const bar = new ProgressBar(out);
    bar.update({ progress: 0.1, step: 'data', barsProcessed: null });
    bar.update({ progress: 0.5, step: 'simulation', barsProcessed: 10 });
    bar.done();
    expect(text()).toBe('\r[#.........] 10% data\r[#####.....] 50% simulation 10 bars\n');
  });

  it('writes a plain line per step or tenth elsewhere', () => {
    const { out, text } = capture(false);
    const bar = new ProgressBar(out);
    for (const progress of [0.5, 0.51, 0.55, 0.6]) {
      bar.update({ progress, step: 'simulation', barsProcessed: null });
    }
    bar.done();
    expect(text()).toBe('[#####.....] 50% simulation\n[######....] 60% simulation\n');
  });
});
