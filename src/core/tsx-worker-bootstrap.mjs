// The entry of a worker thread started from sources (tests, `tsx`): registers tsx's loader, then
// imports the TypeScript module named by the last argv entry (see spawn-worker.ts). A file rather
// than `eval` code: native modules that find their binaries from the caller's file name (usearch,
// through `bindings`) loop forever when the stack starts in evaluated code.
import { register } from 'tsx/esm/api';

register();
await import(process.argv.at(-1));
