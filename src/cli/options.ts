// Parsers for numeric CLI options: each names the flag and says what was expected.
import { InvalidArgumentError } from 'commander';

/** A whole number ≥ `min`, for commander's option parser argument. */
export function intOption(flag: string, min = 0): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`Expected a whole number of at least ${min} for ${flag} but received "${value}"`);
    }
    return n;
  };
}

/** A number in [min, max). */
export function numberOption(flag: string, min: number, max = Infinity): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n >= max) {
      const range = max === Infinity ? `of at least ${min}` : `from ${min} to below ${max}`;
      throw new InvalidArgumentError(`Expected a number ${range} for ${flag} but received "${value}"`);
    }
    return n;
  };
}
