// Preloaded into a benchmarked process (node --import): at exit, writes its peak resident memory
// (getrusage maxrss, which a short spike cannot escape) to stderr as one JSON line.
import { writeSync } from 'node:fs';

process.on('exit', () => {
  writeSync(2, `${JSON.stringify({ maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);
});
