/**
 * A one-line progress bar on stderr. On a terminal it redraws in place; otherwise (CI, pipes) it
 * prints a line every 10% so logs stay short.
 */
export class ProgressBar {
  private readonly started = performance.now();
  private lastDraw = 0;
  private lastDecile = -1;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly unit: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  update(done: number): void {
    const now = performance.now();
    if (this.stream.isTTY) {
      if (now - this.lastDraw < 100 && done < this.total) return;
      this.lastDraw = now;
      this.stream.write(`\r${this.line(done, now)}\u001b[K`);
    } else {
      const decile = Math.floor((done / Math.max(1, this.total)) * 10);
      if (decile === this.lastDecile) return;
      this.lastDecile = decile;
      this.stream.write(`${this.line(done, now)}\n`);
    }
  }

  finish(): void {
    if (this.stream.isTTY) this.stream.write('\n');
  }

  private line(done: number, now: number): string {
    const fraction = this.total === 0 ? 1 : Math.min(1, done / this.total);
    const width = 30;
    const filled = Math.round(fraction * width);
    const seconds = (now - this.started) / 1000;
    const rate = seconds > 0 ? Math.round(done / seconds) : 0;
    return (
      `${this.label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ` +
      `${(fraction * 100).toFixed(0).padStart(3)}% ${done.toLocaleString('en-US')}/${this.total.toLocaleString('en-US')} ` +
      `${this.unit} (${rate.toLocaleString('en-US')} ${this.unit}/s)`
    );
  }
}

/**
 * A line saying what a command is doing (`backing up x.db …`), on stderr and only on a terminal,
 * as git does with its progress: in a log or a pipe, stderr keeps nothing but errors.
 */
export function progressLine(text: string, stream: NodeJS.WriteStream = process.stderr): void {
  if (stream.isTTY) stream.write(`${text}\n`);
}
