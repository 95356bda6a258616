// The names of a library function's options, checked at run time: a misspelt option (`splt`,
// `maxPixel`) is refused in words instead of silently doing nothing. Each list is written as an
// object with every key of the options type, so the compiler keeps it complete and exact.
import { badArgument } from '../errors.js';

/** Every key of `T`, once: `optionKeys<LoadOptions>({ splits: true, limit: true, … })`. */
export function optionKeys<T extends object>(keys: { readonly [K in keyof Required<T>]: true }): readonly string[] {
  return Object.keys(keys);
}

/**
 * Fails unless `options` is an options object (or undefined, unless `required` says what it must
 * hold) whose keys are all in `known`.
 * @param name what the options belong to, for the message ("evaluate options")
 * @param required for a function that cannot run without options: what they must hold ("redis and name")
 * @throws EmoscopeError BAD_ARGUMENT naming the first unknown key and the known ones
 */
export function checkOptionKeys(options: unknown, known: readonly string[], name: string, required?: string): void {
  if (options === undefined && required === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw badArgument(name, required === undefined ? 'an options object' : `an options object with ${required}`, options);
  }
  const unknown = Object.keys(options).find((key) => !known.includes(key));
  if (unknown !== undefined) throw badArgument(name, `options named ${known.join(', ')}`, unknown);
}
