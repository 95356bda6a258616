// What FER2013 fixes about its files: the Usage column / file-name prefix and the split each means.
import type { Split } from '../types.js';

/** FER2013's Usage values in the order of its splits, and the split each becomes. */
export const USAGE_SPLITS = {
  Training: 'train',
  PublicTest: 'val',
  PrivateTest: 'test',
} as const satisfies Record<string, Split>;

export type Usage = keyof typeof USAGE_SPLITS;

/** The Usage values, for messages: "Training, PublicTest or PrivateTest". */
export const USAGE_LIST = 'Training, PublicTest or PrivateTest';

/** The split of a Usage value, or undefined when it is not one of FER2013's three. */
export function splitOfUsage(usage: string): Split | undefined {
  return Object.hasOwn(USAGE_SPLITS, usage) ? USAGE_SPLITS[usage as Usage] : undefined;
}

/** The split given by a FER2013 image name (`Training_123.jpg` → train), or undefined without such a prefix. */
export function splitOfFileName(name: string): Split | undefined {
  const underscore = name.indexOf('_');
  return underscore > 0 ? splitOfUsage(name.slice(0, underscore)) : undefined;
}
