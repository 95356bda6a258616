// A JSON array written element by element, byte for byte what `JSON.stringify(array, null, 2)`
// gives (the format `predict` prints), without ever holding the array.

/** Writes `[`, then each element as it comes, then `]` and a newline. */
export class JsonArrayWriter {
  private count = 0;

  /** `write` receives the text in order; it may wait (backpressure). */
  constructor(private readonly write: (text: string) => Promise<void>) {}

  /** Appends one element. */
  async add(value: unknown): Promise<void> {
    const body = JSON.stringify(value, null, 2).replace(/\n/g, '\n  ');
    await this.write(`${this.count === 0 ? '[\n' : ',\n'}  ${body}`);
    this.count++;
  }

  /** Closes the array; returns how many elements it has. */
  async end(): Promise<number> {
    await this.write(this.count === 0 ? '[]\n' : '\n]\n');
    return this.count;
  }
}
