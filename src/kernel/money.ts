/**
 * Money rules of SPEC §2.2: inputs are rounded to whole cents half away from zero, working on the
 * number's decimal text (9.995 → 10.00), and all arithmetic is done in integer cents.
 */
export function toCents(amount: number): number {
  if (!Number.isFinite(amount)) throw new RangeError("money must be finite");
  const negative = amount < 0;
  const [intDigits, fracDigits] = decimalDigits(Math.abs(amount));
  const whole = Number(intDigits) * 100 + Number((fracDigits + "00").slice(0, 2));
  const roundUp = (fracDigits[2] ?? "0") >= "5";
  const cents = whole + (roundUp ? 1 : 0);
  return negative && cents !== 0 ? -cents : cents;
}

export const fromCents = (cents: number): number => cents / 100;

/** Rounds an amount to whole cents. */
export const roundMoney = (amount: number): number => fromCents(toCents(amount));

export const addMoney = (a: number, b: number): number => fromCents(toCents(a) + toCents(b));
export const subtractMoney = (a: number, b: number): number => fromCents(toCents(a) - toCents(b));
export const multiplyMoney = (price: number, quantity: number): number =>
  fromCents(toCents(price) * quantity);

/** The integer and fraction digits of a non-negative finite number, as written in decimal. */
function decimalDigits(value: number): [string, string] {
  let text = String(value);
  const exp = text.indexOf("e");
  if (exp >= 0) {
    const mantissa = text.slice(0, exp).replace(".", "");
    const pointAt = (text.indexOf(".") >= 0 && text.indexOf(".") < exp ? text.indexOf(".") : exp) +
      Number(text.slice(exp + 1));
    text =
      pointAt <= 0
        ? "0." + "0".repeat(-pointAt) + mantissa
        : mantissa.padEnd(pointAt, "0").slice(0, pointAt) + "." + mantissa.slice(pointAt);
  }
  const [i, f = ""] = text.split(".");
  return [i || "0", f];
}
