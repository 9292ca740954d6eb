// Import cost of modules on a start-up path, each in fresh processes (median of --runs, default 9),
// with the compile cache on as bin/openclaw has it. A diagnostic for the start-up rows of the
// bench, not part of the table.
// Usage: node bench/import-cost.mjs [--runs n] <specifier or dist path>...
//   node bench/import-cost.mjs commander openai dist/cli/commands/chat.js
// Bare specifiers resolve from the project; paths are taken relative to the project root.
// The first line, "(empty module)", is the fixed cost of the first dynamic import().
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
let runs = 9;
const runsAt = args.indexOf('--runs');
if (runsAt >= 0) runs = Number(args.splice(runsAt, 2)[1]);
const scratch = mkdtempSync(join(tmpdir(), 'import-cost-'));
const empty = join(scratch, 'empty.mjs');
writeFileSync(empty, 'export {};\n');

const child = `
const { enableCompileCache } = await import('node:module');
enableCompileCache?.();
const spec = process.argv[1];
const start = performance.now();
await import(spec);
process.stdout.write(String(performance.now() - start));
`;

function once(spec) {
  return new Promise((done, fail) => {
    const proc = spawn(process.execPath, ['--input-type=module', '-e', child, spec], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (chunk) => (out += chunk));
    proc.on('close', (code) => (code === 0 ? done(Number(out)) : fail(new Error(`${spec}: exit ${code}`))));
  });
}

const targets = [['(empty module)', pathToFileURL(empty).href], ...args.map((arg) => [arg, /^[./]|^dist\//.test(arg) ? pathToFileURL(resolve(root, arg)).href : arg])];
for (const [name, spec] of targets) {
  const times = [];
  await once(spec); // compile cache warm-up
  for (let index = 0; index < runs; index++) times.push(await once(spec));
  times.sort((a, b) => a - b);
  console.log(`${name.padEnd(44)} ${times[Math.floor(times.length / 2)].toFixed(1).padStart(7)} ms`);
}
rmSync(scratch, { recursive: true, force: true });
