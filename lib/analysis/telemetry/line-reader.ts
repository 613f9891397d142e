import * as fs from 'fs';
import { StringDecoder } from 'string_decoder';

const CHUNK = 1024 * 1024;

/** Called every ~16 MB read, with bytes read so far and the file size. */
export type ProgressCallback = (file: string, bytesRead: number, totalBytes: number) => void;

/**
 * Reads a file chunk by chunk and hands out complete lines with their 1-based number, so a
 * million-line access log never sits in memory whole. Synchronous, to keep the API simple.
 */
export function* readLines(file: string, progress?: ProgressCallback): Generator<{ text: string; line: number }> {
  for (const chunk of readChunks(file, progress)) {
    // readChunks yields text; split it here, keeping the unfinished tail for the next chunk.
    yield* chunk;
  }
}

function* readChunks(file: string, progress?: ProgressCallback): Generator<Array<{ text: string; line: number }>> {
  const fd = fs.openSync(file, 'r');
  try {
    const total = fs.fstatSync(fd).size;
    const buffer = Buffer.alloc(CHUNK);
    const decoder = new StringDecoder('utf8');
    let pending = '';
    let line = 0;
    let read = 0;
    let reported = 0;
    for (;;) {
      const n = fs.readSync(fd, buffer, 0, CHUNK, null);
      if (n === 0) break;
      read += n;
      if (progress && read - reported >= 16 * CHUNK) {
        reported = read;
        progress(file, read, total);
      }
      const text = pending + decoder.write(buffer.subarray(0, n));
      const parts = text.split('\n');
      pending = parts.pop()!;
      yield parts.map(p => ({ text: p.endsWith('\r') ? p.slice(0, -1) : p, line: ++line }));
    }
    const rest = pending + decoder.end();
    if (rest !== '') yield [{ text: rest, line: ++line }];
    if (progress) progress(file, read, total);
  } finally {
    fs.closeSync(fd);
  }
}

/** The same over a string already in memory (tests, `Telemetry.fromText`). */
export function* textLines(text: string): Generator<{ text: string; line: number }> {
  let line = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const t = text.slice(start, end);
    line++;
    if (!(end === text.length && t === '')) yield { text: t.endsWith('\r') ? t.slice(0, -1) : t, line };
    start = end + 1;
  }
}
