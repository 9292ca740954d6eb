import { createWriteStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { OpenclawError } from '../../errors.js';
import { isLoopback } from './source.js';
import { DOWNLOAD_LIMIT_BYTES, formatBytes, refused } from './safety.js';

/** Downloads an archive to `file`, refusing it once it passes the size limit or if a redirect drops to plain http. */
export async function downloadArchive(url: string, file: string, limit: number = DOWNLOAD_LIMIT_BYTES): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(5 * 60_000) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new OpenclawError('download_failed', `could not download ${url}: ${cause?.code ?? cause?.message ?? (error as Error).message}`, {
      hint: 'Check the address and your connection.',
    });
  }
  const final = new URL(response.url || url);
  if (final.protocol !== 'https:' && !(final.protocol === 'http:' && isLoopback(final.hostname))) {
    throw refused(`${url} redirected to ${final.href}, which is not https`);
  }
  if (!response.ok || !response.body) {
    throw new OpenclawError('download_failed', `could not download ${url}: HTTP ${response.status} ${response.statusText}`.trim(), {
      hint: 'Check the address; the server did not return the archive.',
    });
  }
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > limit) throw refused(`${url} is ${formatBytes(declared)}, over the ${formatBytes(limit)} download limit`);
  let received = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      if (received > limit) callback(refused(`${url} is over the ${formatBytes(limit)} download limit`));
      else callback(null, chunk);
    },
  });
  await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), counter, createWriteStream(file, { flags: 'wx' }));
}
