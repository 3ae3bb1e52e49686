/**
 * A statistic as `hindsight` prints it: whole numbers as they are, large values with two
 * decimals, others to six significant digits without trailing zeros; undefined (null) is `-`.
 */
export function formatStat(value: number | null): string {
  if (value === null) return '-';
  if (Number.isInteger(value)) return String(value);
  if (Math.abs(value) >= 1000) return value.toFixed(2);
  const text = value.toPrecision(6);
  return text.includes('e') ? text : text.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}
