/** A one-line progress display on stderr: redrawn in place on a terminal, a line every few seconds otherwise. */
export class Progress {
  #last = 0;
  readonly #tty: boolean;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.#tty = Boolean(stream.isTTY);
  }

  update(text: string): void {
    const now = Date.now();
    if (this.#tty) {
      if (now - this.#last < 100) return;
      this.stream.write(`\r\x1b[2K${text}`);
    } else {
      if (now - this.#last < 5000) return;
      this.stream.write(`${text}\n`);
    }
    this.#last = now;
  }

  done(text: string): void {
    this.stream.write(this.#tty ? `\r\x1b[2K${text}\n` : `${text}\n`);
  }
}
