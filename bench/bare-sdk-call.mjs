// The baseline for the `chat -p` rows: the smallest Node program that makes the same streamed
// Chat Completions call with the official SDK and prints the answer. openclaw's own work (CLI,
// config, store, system prompt, tools, agent loop) is whatever `chat -p` costs on top of this.
// Env: OPENAI_BASE_URL, OPENAI_API_KEY, BENCH_MODEL (the model id openclaw sends);
// BENCH_COMPILE_CACHE=1 turns on Node's compile cache first, as bin/openclaw does, so that the
// comparison shows openclaw's own cost rather than the cache's saving on the SDK's ~200 modules.
if (process.env.BENCH_COMPILE_CACHE === '1') (await import('node:module')).enableCompileCache?.();
const { default: OpenAI } = await import('openai');

const client = new OpenAI({ baseURL: process.env.OPENAI_BASE_URL, apiKey: process.env.OPENAI_API_KEY });
const stream = await client.chat.completions.create({
  model: process.env.BENCH_MODEL || 'gpt-5.4-mini',
  messages: [{ role: 'user', content: process.argv[2] ?? 'hi' }],
  stream: true,
  stream_options: { include_usage: true },
});
let text = '';
for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
process.stdout.write(`${text}\n`);
