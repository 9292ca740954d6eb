import { headAndTail } from './paths.js';
import { failure, type Tool } from './types.js';

interface WebFetchArgs {
  url: string;
  max_bytes?: number;
}

const DEFAULT_MAX_BYTES = 50_000;
const DOWNLOAD_LIMIT = 5 * 1024 * 1024;
const TIMEOUT_MS = 20_000;

export const webFetchTool: Tool<WebFetchArgs> = {
  name: 'web_fetch',
  description: 'Fetch a web page or file over http(s) and return it as text (HTML is converted to readable text). Long results keep head and tail.',
  capability: 'network',
  parameters: {
    type: 'object',
    properties: {
      url: { type: 'string', pattern: '^https?://' },
      max_bytes: { type: 'integer', minimum: 1000 },
    },
    required: ['url'],
    additionalProperties: false,
  },
  target: (args) => ({ kind: 'url', url: args.url }),
  async run(args, context) {
    let url: URL;
    try {
      url = new URL(args.url);
    } catch {
      return failure(`Not a valid URL: ${args.url}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return failure(`Only http and https URLs can be fetched, not ${url.protocol}`);
    const signal = AbortSignal.any([context.signal, AbortSignal.timeout(TIMEOUT_MS)]);
    let response: Response;
    try {
      response = await fetch(url, { signal, redirect: 'follow', headers: { 'user-agent': 'openclaw (+https://github.com/openclaw)', accept: 'text/html,text/plain,application/json,*/*;q=0.5' } });
    } catch (error) {
      const reason = (error as Error).name === 'TimeoutError' ? `timed out after ${TIMEOUT_MS / 1000} s` : ((error as Error).cause as Error | undefined)?.message ?? (error as Error).message;
      return failure(`Could not fetch ${url.href}: ${reason}`);
    }
    const body = await readLimited(response, DOWNLOAD_LIMIT);
    const type = response.headers.get('content-type') ?? '';
    let text = body.text;
    if (/html/i.test(type) || /^\s*<(!doctype|html)/i.test(text)) {
      const { convert } = await import('html-to-text');
      text = convert(text, { wordwrap: false, selectors: [{ selector: 'a', options: { hideLinkHrefIfSameAsText: true } }, { selector: 'img', format: 'skip' }] });
    }
    const output = headAndTail(text, args.max_bytes ?? DEFAULT_MAX_BYTES);
    const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
    const notes = [body.truncated ? `[download stopped at ${DOWNLOAD_LIMIT} bytes]` : '', response.url !== url.href ? `[redirected to ${response.url}]` : ''].filter(Boolean);
    return {
      ok: response.ok,
      content: `${status} ${type}\n${[...notes, output.text].filter(Boolean).join('\n')}`,
      summary: `${url.href.slice(0, 80)} → ${status} (${Buffer.byteLength(text)} bytes of text)`,
      touched: [url.href],
    };
  },
};

async function readLimited(response: Response, limit: number): Promise<{ text: string; truncated: boolean }> {
  if (!response.body) return { text: '', truncated: false };
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size >= limit) {
      truncated = true;
      await reader.cancel();
      break;
    }
  }
  return { text: Buffer.concat(chunks).subarray(0, limit).toString('utf8'), truncated };
}
