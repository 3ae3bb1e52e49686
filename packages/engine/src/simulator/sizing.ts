/**
 * Python's float floor division `a // b` (CPython `_float_div_mod`): it divides `a - fmod(a, b)`,
 * an exact multiple of b, and snaps to the nearest integer, so it can differ from
 * `Math.floor(a / b)` when the rounded quotient lands on an integer from below.
 */
export function pythonFloorDivide(a: number, b: number): number {
  const mod = a % b;
  let div = (a - mod) / b;
  if (mod !== 0 && b < 0 !== mod < 0) div -= 1;
  if (div === 0) {
    const quotient = a / b;
    return quotient < 0 || Object.is(quotient, -0) ? -0 : 0;
  }
  let floor = Math.floor(div);
  if (div - floor > 0.5) floor += 1;
  return floor;
}

/** `sys.float_info.epsilon`: backtesting.py's default order size is `1 - epsilon`. */
const PY_EPSILON = 2.220446049250313e-16;

/**
 * Units backtesting.py 0.6.6 buys (or sells) for a relative order from a flat position:
 * `int((margin_available * leverage * size) // (price + commission(size, price) / size))` with
 * margin_available = cash when flat, leverage 1 and size = `fraction`, or `1 - epsilon` for a
 * whole-equity order. An order it cannot afford (0 units, or units * price-with-commission above
 * cash) is dropped: 0 is returned.
 */
export function backtestingPyUnits(
  cash: number,
  price: number,
  commission: number,
  fraction: number,
): number {
  const size = fraction < 1 ? fraction : 1 - PY_EPSILON;
  const pricePlusCommission = price + (size * price * commission) / size;
  const units = pythonFloorDivide(cash * size, pricePlusCommission);
  if (!(units >= 1) || units * pricePlusCommission > cash) return 0;
  return units;
}

/**
 * Units a budget buys at `price` after the fixed fee, paying the commission on top of the price:
 * `(budget - commissionFixed) / (price * (1 + commission))`, floored for whole units; 0 when the
 * budget does not cover the fixed fee.
 */
export function fractionUnits(
  budget: number,
  price: number,
  commission: number,
  commissionFixed: number,
  wholeUnits: boolean,
): number {
  const spendable = budget - commissionFixed;
  if (!(spendable > 0)) return 0;
  const units = spendable / (price * (1 + commission));
  return wholeUnits ? Math.floor(units) : units;
}
