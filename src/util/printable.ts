// Names that users and files give (file names, CSV fields, folder names) printed so that they cannot
// drive a terminal: control characters become visible escapes instead of moving the cursor,
// recolouring or clearing the screen.

/** C0 controls, DEL, C1 controls, and the bidirectional overrides that reorder what is shown. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` with every control character written as an escape (`\x1b`, `\n`, `\u202e`), so that it
 * prints as one line of visible characters.
 * @example printable('a\x1b[2Jb.jpg') // 'a\\x1b[2Jb.jpg'
 */
export function printable(text: string): string {
  return text.replace(CONTROL, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** A message of several lines printed with `printable` applied line by line (its line breaks kept). */
export function printableLines(text: string): string {
  return text.split('\n').map(printable).join('\n');
}
