// What Node's recognizer and the browser's check alike on each call: that the recognizer still has
// its models, and the `timings` record a call may pass to be filled in.
import { EmoscopeError, describeValue } from '../errors.js';
import type { PhotoTimings } from './analyze.js';

/** The error of a call on a recognizer whose models were freed by dispose(). */
export function disposedError(): EmoscopeError {
  return new EmoscopeError('BAD_ARGUMENT', 'This recognizer was disposed: its models are freed; load another with loadRecognizer()');
}

/**
 * `timings` as recognize(photo, { timings }) fills it in: a plain object that takes new properties
 * (zeros are written into it now, so that one that refuses them is refused here, in words, and not
 * later, where the photo's work runs detached).
 */
export function checkTimings(timings: unknown): PhotoTimings | undefined {
  if (timings === undefined) return undefined;
  const prototype = typeof timings === 'object' && timings !== null ? Object.getPrototypeOf(timings) : undefined;
  const plain = (prototype === Object.prototype || prototype === null) && Object.isExtensible(timings);
  const zeros: PhotoTimings = { decode: 0, detect: 0, classify: 0, total: 0 };
  let received = describeValue(timings);
  if (plain) {
    try {
      return Object.assign(timings as PhotoTimings, zeros);
    } catch {
      received = 'an object with a property that cannot be written';
    }
  } else if (prototype !== undefined && !Object.isExtensible(timings)) {
    received = Object.isFrozen(timings) ? 'a frozen object' : 'an object that takes no new properties';
  }
  throw new EmoscopeError('BAD_ARGUMENT', `Expected a plain object that the times are written into (recognize(photo, { timings: {} })) for timings but received ${received}`);
}
