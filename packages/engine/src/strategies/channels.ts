import { highest, lowest } from '../indicators/index.js';

/**
 * out[i] = max(values[i-period..i-1]): the channel of the bars before bar i, so a close can break
 * out of it. First defined at `period`.
 */
export function previousHighest(values: Float64Array, period: number): Float64Array {
  return shiftedByOne(values, (inputs, out) => highest(inputs, period, out));
}

/** out[i] = min(values[i-period..i-1]); first defined at `period`. */
export function previousLowest(values: Float64Array, period: number): Float64Array {
  return shiftedByOne(values, (inputs, out) => lowest(inputs, period, out));
}

function shiftedByOne(
  values: Float64Array,
  compute: (inputs: Float64Array, out: Float64Array) => Float64Array,
): Float64Array {
  const out = new Float64Array(values.length);
  if (values.length === 0) return out;
  out[0] = Number.NaN;
  compute(values.subarray(0, values.length - 1), out.subarray(1));
  return out;
}
