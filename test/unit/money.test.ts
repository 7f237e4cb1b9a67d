import { describe, expect, it } from "vitest";
import { addMoney, fromCents, multiplyMoney, roundMoney, subtractMoney, toCents } from "../../src/kernel/money";

/** SPEC §2.2: round to whole cents, half away from zero, on the number's decimal text; integer-cent arithmetic. */

describe("toCents", () => {
  it.each([
    [9.994, 999],
    [9.995, 1000],
    [-1.005, -101],
    [1.005, 101], // the double is 1.00499999999999989…; the decimal text is 1.005
    [2.675, 268], // (2.675).toFixed(2) is "2.67"
    [0.015, 2],
    [0.125, 13],
    [-0.125, -13],
    [1.45, 145],
    [0.07, 7], // 0.07 * 100 is 7.000000000000001
    [10, 1000],
    [0.1, 10],
    [0.5, 50],
    [9.99, 999],
    [0.0049, 0],
    [0.005, 1],
    [-0.005, -1],
    [0.994999, 99],
    [0.995, 100], // carries into the units
    [99.995, 10000],
    [-99.995, -10000],
    [123.4, 12340],
  ])("%d → %d cents", (amount, cents) => {
    expect(toCents(amount)).toBe(cents);
  });

  it("returns integers", () => {
    for (const v of [0.07, 1.13, 4.35, 8.2, 19.99, 1234.56, -0.29]) expect(Number.isInteger(toCents(v))).toBe(true);
  });

  it("maps zero, negative zero and negative amounts that round to zero to +0", () => {
    expect(Object.is(toCents(0), 0)).toBe(true);
    expect(Object.is(toCents(-0), 0)).toBe(true);
    expect(Object.is(toCents(-0.004), 0)).toBe(true);
    expect(Object.is(toCents(-1e-7), 0)).toBe(true);
  });

  describe("numbers whose decimal text uses exponent notation", () => {
    it.each([
      [1e-7, 0], // "1e-7"
      [5e-7, 0],
      [1.5e-7, 0], // "1.5e-7"
      [9.99e-7, 0],
      [5e-324, 0], // smallest subnormal
      [-5e-7, 0],
    ])("%d → %d cents", (amount, cents) => {
      expect(String(amount)).toContain("e");
      expect(toCents(amount)).toBe(cents);
    });

    it.each([
      [1e21, 1e23],
      [1.5e21, 1.5e23],
      [-1.5e21, -1.5e23],
      [1.2345e22, 1.2345e24],
    ])("%d → %d cents (large values keep their magnitude)", (amount, cents) => {
      expect(String(amount)).toContain("e+");
      expect(toCents(amount)).toBe(cents);
    });

    it("does not throw for the largest finite number", () => {
      expect(toCents(Number.MAX_VALUE)).toBeGreaterThan(1e300);
      expect(toCents(-Number.MAX_VALUE)).toBeLessThan(-1e300);
    });
  });

  it("is exact for large amounts within the safe-integer range of cents", () => {
    expect(toCents(123456789.125)).toBe(12345678913);
    expect(toCents(12345678.91)).toBe(1234567891);
    expect(toCents(999999999999.99)).toBe(99999999999999);
    expect(toCents(9007199254740.99)).toBe(900719925474099);
    expect(toCents(90071992547409.9)).toBe(9007199254740990); // just under Number.MAX_SAFE_INTEGER cents
    expect(toCents(1e20)).toBe(1e22); // "100000000000000000000": no exponent in its text
  });

  it("rejects non-finite amounts", () => {
    expect(() => toCents(Number.NaN)).toThrow(RangeError);
    expect(() => toCents(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => toCents(Number.NEGATIVE_INFINITY)).toThrow(RangeError);
  });
});

describe("fromCents", () => {
  it.each([
    [1049, 10.49],
    [999, 9.99],
    [1000, 10],
    [990, 9.9],
    [-1, -0.01],
    [0, 0],
    [30, 0.3],
  ])("%d cents → %d", (cents, amount) => {
    expect(fromCents(cents)).toBe(amount);
  });

  it("prints without trailing zeros in JSON", () => {
    expect(JSON.stringify({ price: fromCents(990), total: fromCents(1000) })).toBe('{"price":9.9,"total":10}');
  });
});

describe("roundMoney", () => {
  it.each([
    [9.994, 9.99],
    [9.995, 10],
    [-1.005, -1.01],
    [1.005, 1.01],
    [2.675, 2.68],
    [0.125, 0.13],
    [9.9, 9.9],
    [10, 10],
    [0, 0],
    [1e-7, 0],
    [0.30000000000000004, 0.3],
    [0.19999999999999998, 0.2],
    [1.5e21, 1.5e21],
  ])("%d → %d", (amount, rounded) => {
    expect(roundMoney(amount)).toBe(rounded);
  });

  it("never returns negative zero", () => {
    expect(Object.is(roundMoney(-0), 0)).toBe(true);
    expect(Object.is(roundMoney(-0.001), 0)).toBe(true);
  });

  it("is idempotent", () => {
    for (const v of [9.995, -1.005, 2.675, 0.07, 123.456]) expect(roundMoney(roundMoney(v))).toBe(roundMoney(v));
  });
});

describe("integer-cent arithmetic", () => {
  it("adds exactly where floats do not (0.1 + 0.2)", () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(addMoney(0.1, 0.2)).toBe(0.3);
    expect(addMoney(9.99, 0.5)).toBe(10.49);
    expect(addMoney(10.1, -0.2)).toBe(9.9);
    expect(addMoney(0.01, -0.01)).toBe(0);
  });

  it("subtracts exactly where floats do not", () => {
    expect(0.3 - 0.1).not.toBe(0.2);
    expect(subtractMoney(0.3, 0.1)).toBe(0.2);
    expect(subtractMoney(10.3, 10.1)).toBe(0.2);
    expect(subtractMoney(10.49, 9.99)).toBe(0.5);
    expect(subtractMoney(9.99, 10.49)).toBe(-0.5);
    expect(subtractMoney(0, 0.01)).toBe(-0.01);
  });

  it("returns +0, not −0, for equal operands", () => {
    expect(Object.is(subtractMoney(5, 5), 0)).toBe(true);
    expect(Object.is(subtractMoney(0, 0), 0)).toBe(true);
    expect(Object.is(addMoney(-0, -0), 0)).toBe(true);
  });

  it("rounds each operand to cents first (half away from zero)", () => {
    expect(addMoney(0.004, 0.004)).toBe(0);
    expect(addMoney(0.005, 0.005)).toBe(0.02);
    expect(subtractMoney(1.005, 0)).toBe(1.01);
  });

  it("multiplies a price by an integer quantity in cents", () => {
    expect(0.1 * 3).not.toBe(0.3);
    expect(multiplyMoney(0.1, 3)).toBe(0.3);
    expect(multiplyMoney(19.99, 3)).toBe(59.97);
    expect(multiplyMoney(1.15, 7)).toBe(8.05);
    expect(multiplyMoney(9.99, 0)).toBe(0);
    expect(multiplyMoney(2.675, 2)).toBe(5.36); // 2.68 × 2
  });

  it("keeps a long sum exact", () => {
    let total = 0;
    for (let i = 0; i < 1000; i++) total = addMoney(total, 0.01);
    expect(total).toBe(10);
  });
});
