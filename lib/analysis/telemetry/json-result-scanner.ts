import { TelemetryInputError } from './errors';

/**
 * Finds the elements of `data.result` in a Prometheus API response without parsing the whole
 * document: it tracks nesting and strings character by character and hands each element (a small
 * object) to JSON.parse. Memory stays at one element, whatever the number of series.
 */
export class PrometheusResultScanner {
  private readonly stack: string[] = [];
  private readonly keys: Array<string | undefined> = [];
  private inString = false;
  private escape = false;
  private stringBuf = '';
  private lastString: string | undefined;
  private expectingValue = false;
  private capture: string[] | undefined;
  private captureFrom = 0;
  private text = '';
  private captureLine = 0;
  private resultDepth = -1;
  public status: string | undefined;
  public resultType: string | undefined;
  public sawResult = false;

  constructor(private readonly file: string, private readonly onElement: (value: any, line: number) => void) {}

  /** Feeds one line (without its newline). */
  public feed(text: string, line: number): void {
    this.text = text;
    for (let i = 0; i < text.length; i++) this.char(text[i], line, i);
    // An element spanning lines keeps the rest of this line; the next line continues from 0.
    if (this.capture) {
      this.capture.push(text.slice(this.captureFrom), '\n');
      this.captureFrom = 0;
    }
    if (this.inString) this.stringBuf += '\n';
  }


  public end(line: number): void {
    if (this.stack.length > 0 || this.inString) {
      throw new TelemetryInputError(`${this.file}:${line}`, 'the Prometheus response ends before its JSON is complete', 'save the whole response of /api/v1/query');
    }
  }

  private char(c: string, line: number, i: number): void {
    if (this.inString) {
      const keep = !this.capture;
      if (this.escape) {
        this.escape = false;
        if (keep) this.stringBuf += c;
      } else if (c === '\\') {
        this.escape = true;
        if (keep) this.stringBuf += c;
      } else if (c === '"') {
        this.inString = false;
        this.lastString = keep ? JSON.parse(`"${this.stringBuf}"`) : undefined;
        if (this.expectingValue) this.valueString(this.lastString);
      } else if (keep) {
        this.stringBuf += c;
      }
      return;
    }
    switch (c) {
      case '"':
        this.inString = true;
        this.stringBuf = '';
        return;
      case ':':
        this.keys[this.stack.length] = this.lastString;
        this.expectingValue = true;
        return;
      case ',':
        this.expectingValue = this.stack[this.stack.length - 1] === '[';
        return;
      case '{':
      case '[':
        if (!this.capture && this.stack.length === this.resultDepth && c === '{') {
          this.capture = [];
          this.captureFrom = i;
          this.captureLine = line;
        }
        this.stack.push(c);
        this.keys[this.stack.length] = undefined;
        this.expectingValue = c === '[';
        if (c === '[' && this.stack.length === 3 && this.path() === 'data.result') {
          this.resultDepth = this.stack.length;
          this.sawResult = true;
        }
        return;
      case '}':
      case ']': {
        const open = this.stack.pop();
        if (open === undefined || (open === '{') !== (c === '}')) {
          throw new TelemetryInputError(`${this.file}:${line}`, `unexpected '${c}'`, 'the file is not valid JSON; save the raw response of /api/v1/query');
        }
        if (c === ']' && this.stack.length + 1 === this.resultDepth) this.resultDepth = -1;
        if (this.capture && this.stack.length === this.resultDepth) {
          this.capture.push(this.text.slice(this.captureFrom, i + 1));
          const text = this.capture.join('');
          this.capture = undefined;
          let value: any;
          try {
            value = JSON.parse(text);
          } catch (e) {
            throw new TelemetryInputError(`${this.file}:${this.captureLine}`, `a series is not valid JSON (${(e as Error).message})`, 'save the raw response of /api/v1/query');
          }
          this.onElement(value, this.captureLine);
        }
        this.expectingValue = false;
        return;
      }
      case ' ':
      case '\t':
      case '\r':
        return;
      default:
        this.expectingValue = false;
    }
  }

  private valueString(value: string | undefined): void {
    this.expectingValue = false;
    if (this.stack.length === 1 && this.keys[1] === 'status') this.status = value;
    if (this.stack.length === 2 && this.path() === 'data.resultType') this.resultType = value;
  }

  private path(): string {
    return this.keys.slice(1, this.stack.length + 1).filter(k => k !== undefined).join('.');
  }
}
