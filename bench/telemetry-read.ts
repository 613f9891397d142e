// Reads one telemetry file and prints time and memory; bench/telemetry.ts runs it in a child
// process with a small heap (--max-old-space-size) to show reading is streamed in bounded memory.
import { Telemetry } from '../lib';

const file = process.argv[2];
const start = Date.now();
const telemetry = Telemetry.fromFiles([file]);
const ms = Date.now() - start;
console.log(`  ${telemetry.records} records in ${ms} ms (${Math.round(telemetry.records / (ms / 1000))} records/s); `
  + `heap in use ${(process.memoryUsage().heapUsed / 1048576).toFixed(0)} MB, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
