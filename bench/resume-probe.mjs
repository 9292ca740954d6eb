// Run by bench/run.ts, one fresh process per sample (cold JIT, warm page cache): times one way
// of loading a session's transcript and prints {"ms": ..., "entries": ...}.
// Usage: node bench/resume-probe.mjs <parse|read|open> <OPENCLAW_HOME> <session id> [dist dir]
//   parse  the baseline: read the file, split lines, JSON.parse each (the least any reader does)
//   read   readTranscript(path) from dist/store/transcript.js (parse + validation + repair)
//   open   new SessionStore(storePaths(home)).open(id): what `chat --resume` does before the turn
// The modules are imported before the clock starts: module loading is the start-up rows' job.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [mode, home, id, distDir] = process.argv.slice(2);
const dist = distDir ? pathToFileURL(join(distDir, 'store/')) : new URL('../dist/store/', import.meta.url);
const { readTranscript } = await import(new URL('transcript.js', dist).href);
const { SessionStore } = await import(new URL('sessions.js', dist).href);
const { storePaths } = await import(new URL('paths.js', dist).href);
const store = new SessionStore(storePaths(home));
const file = store.transcriptPath(id);

let entries = 0;
const start = process.hrtime.bigint();
if (mode === 'parse') {
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
  entries = lines.length - 1; // minus the header
} else if (mode === 'read') {
  entries = readTranscript(file).entries.length;
} else if (mode === 'open') {
  const session = await store.open(id);
  entries = session.entries.length;
  session.close();
} else {
  throw new Error(`unknown mode ${mode}`);
}
const ms = Number(process.hrtime.bigint() - start) / 1e6;
process.stdout.write(`${JSON.stringify({ ms, entries })}\n`);
