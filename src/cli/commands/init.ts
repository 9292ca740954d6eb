import { createInterface, type Interface } from 'node:readline/promises';
import { ExitCode, OpenclawError, errorMessage } from '../../errors.js';
import { resolveConnection } from '../../providers/connection.js';
import { ConfigWriter, loadConfig } from '../../store/config.js';
import type { ProviderSettings, ProviderType } from '../../store/config-schema.js';
import { storePaths } from '../../store/paths.js';
import { paint, withSpinner } from '../output.js';

/** When there is nobody to ask: what to set, in plain text. */
export const PLAIN_INSTRUCTIONS = `openclaw needs a model provider. Keys stay in your environment; openclaw never stores them.

OpenAI:      export OPENAI_API_KEY=sk-...
Anthropic:   export ANTHROPIC_API_KEY=sk-ant-...
Local or OpenAI-compatible server (Ollama, LM Studio, vLLM, llama.cpp):
             openclaw config set providers.local '{"type":"openai-compatible","baseUrl":"http://localhost:11434/v1"}'
             openclaw config set provider local
             openclaw config set model llama3.2

Then check the set-up with \`openclaw doctor\`. On a terminal, \`openclaw init\` asks these questions for you.
`;

interface Choice {
  label: string;
  type: ProviderType;
  id: string;
  model: string;
  baseUrl?: string;
  keyVariable?: string;
}

const CHOICES: Choice[] = [
  { label: 'OpenAI', type: 'openai', id: 'openai', model: 'gpt-5.4-mini', keyVariable: 'OPENAI_API_KEY' },
  { label: 'Anthropic', type: 'anthropic', id: 'anthropic', model: 'claude-sonnet-4-6', keyVariable: 'ANTHROPIC_API_KEY' },
  { label: 'a local or OpenAI-compatible server (Ollama, LM Studio, vLLM, llama.cpp)', type: 'openai-compatible', id: 'local', model: 'llama3.2', baseUrl: 'http://localhost:11434/v1' },
];

export default async function init(): Promise<void> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    process.stdout.write(PLAIN_INSTRUCTIONS);
    return;
  }
  await guidedSetup({ confirmReplace: true });
}

/**
 * `openclaw chat` on a terminal with no provider: the guided set-up instead of an error.
 * Returns whether the chat can go on.
 */
export async function firstRunSetup(flags: { provider?: string; model?: string }): Promise<boolean> {
  try {
    resolveConnection(loadConfig(storePaths()).config, flags);
    return true;
  } catch (error) {
    if (!(error instanceof OpenclawError) || !error.message.startsWith('no model provider')) return true;
  }
  process.stdout.write(`${paint(process.stdout, 'bold', 'Welcome to openclaw.')} No model provider is set up yet; this takes a minute.\n\n`);
  return guidedSetup({ confirmReplace: false });
}

/** The questions, asked on the terminal; the answers go to config.json (never a key). */
async function guidedSetup(options: { confirmReplace: boolean }): Promise<boolean> {
  const paths = storePaths();
  const { config } = loadConfig(paths);
  const out = process.stdout;
  const ask = questioner();
  try {
    if (options.confirmReplace && config.provider) {
      const again = await ask.question(`A provider is set up already (${config.provider}${config.model ? `, model ${config.model}` : ''}). Set it up again? [y/N] `);
      if (!/^y(es)?$/i.test(again.trim())) return false;
    }
    out.write('Which model provider?\n');
    CHOICES.forEach((choice, index) => out.write(`  ${index + 1}) ${choice.label}\n`));
    const detected = process.env.ANTHROPIC_API_KEY ? 2 : process.env.OPENAI_API_KEY ? 1 : 3;
    const picked = CHOICES[(await ask.number(`Choice [${detected}]: `, detected, CHOICES.length)) - 1];

    const settings: ProviderSettings = {};
    let id = picked.id;
    if (picked.type === 'openai-compatible') {
      id = await ask.word('Provider name', picked.id, /^[A-Za-z0-9][A-Za-z0-9_-]*$/);
      settings.type = 'openai-compatible';
      settings.baseUrl = await ask.word('Base URL', picked.baseUrl!, /^https?:\/\/\S+$/);
    } else {
      const baseUrl = await ask.text(`Base URL (empty for the ${picked.label} API)`, '');
      if (baseUrl) {
        if (!/^https?:\/\/\S+$/.test(baseUrl)) throw new OpenclawError('init_invalid', `"${baseUrl}" is not an http(s) URL`, { exitCode: ExitCode.usage });
        settings.baseUrl = baseUrl;
      }
    }
    const keyVariable = await ask.word(
      picked.keyVariable ? 'Environment variable holding the API key' : 'Environment variable holding the API key (empty if the server needs none)',
      picked.keyVariable ?? '',
      /^([A-Za-z_][A-Za-z0-9_]*)?$/,
    );
    if (keyVariable && keyVariable !== picked.keyVariable) settings.apiKeyEnv = keyVariable;

    const models = await listModels(picked.type, settings.baseUrl, keyVariable);
    if (models.length > 0) out.write(`Models offered there: ${models.slice(0, 12).join(', ')}${models.length > 12 ? ', ...' : ''}\n`);
    const model = await ask.word('Model', models.length > 0 && !models.includes(picked.model) ? models[0] : picked.model, /^\S+$/);

    const writer = await ConfigWriter.open(paths);
    if (Object.keys(settings).length > 0) await writer.set(`providers.${id}`, { ...(config.providers?.[id] ?? {}), ...settings });
    await writer.set('provider', id);
    await writer.set('model', model);
    out.write(`\nSaved to ${paths.config}: provider ${id}, model ${model}.\n`);

    if (keyVariable && !process.env[keyVariable]) {
      out.write(`${paint(out, 'yellow', 'Next:')} put your key in the environment (openclaw never stores it), e.g. in your shell profile:\n  export ${keyVariable}=...\n`);
    } else {
      await checkReachable();
    }
    out.write(`\nStart with \`openclaw chat\`; \`openclaw doctor\` checks the whole set-up.\n`);
    return true;
  } finally {
    ask.close();
  }
}

/** What a local server offers, to pick from; nothing when it does not answer in time. */
async function listModels(type: ProviderType, baseUrl: string | undefined, keyVariable: string): Promise<string[]> {
  if (type !== 'openai-compatible' || !baseUrl) return [];
  try {
    const { default: OpenAI } = await import('openai');
    // Local servers take any key; the SDK insists on one.
    const client = new OpenAI({ apiKey: (keyVariable && process.env[keyVariable]) || 'openclaw-no-key', baseURL: baseUrl, maxRetries: 0, timeout: 3_000 });
    return (await withSpinner('asking the server for its models', () => client.models.list())).data.map((model) => model.id);
  } catch {
    return [];
  }
}

async function checkReachable(): Promise<void> {
  const out = process.stdout;
  try {
    const connection = resolveConnection(loadConfig(storePaths()).config, {});
    const { probeProvider } = await import('./doctor-checks.js');
    const probe = await withSpinner('checking the provider', () => probeProvider(connection, 5_000));
    if (probe.ok) out.write(`${paint(out, 'green', '✓')} ${connection.id} is reachable.\n`);
    else out.write(`${paint(out, 'yellow', '!')} ${connection.id}: ${probe.reason}. ${probe.fix}\n`);
  } catch (error) {
    out.write(`${paint(out, 'yellow', '!')} ${errorMessage(error)}\n`);
  }
}

/** Questions with defaults; Ctrl-C ends the set-up (exit 130) without writing anything. */
function questioner() {
  const rl: Interface = createInterface({ input: process.stdin, output: process.stdout });
  const controller = new AbortController();
  rl.on('SIGINT', () => controller.abort());
  const question = async (prompt: string): Promise<string> => {
    try {
      return await rl.question(prompt, { signal: controller.signal });
    } catch (error) {
      if ((error as Error).name === 'AbortError') {
        process.stdout.write('\n');
        throw new OpenclawError('interrupted', 'set-up cancelled; nothing was written', { exitCode: ExitCode.interrupted });
      }
      throw error;
    }
  };
  const text = async (label: string, fallback: string) => (await question(`${label}${fallback ? ` [${fallback}]` : ''}: `)).trim() || fallback;
  return {
    question,
    text,
    async word(label: string, fallback: string, pattern: RegExp): Promise<string> {
      for (;;) {
        const answer = await text(label, fallback);
        if (pattern.test(answer)) return answer;
        process.stdout.write(`  "${answer}" does not look right; try again.\n`);
      }
    },
    async number(prompt: string, fallback: number, max: number): Promise<number> {
      for (;;) {
        const answer = (await question(prompt)).trim();
        const value = answer === '' ? fallback : Number(answer);
        if (Number.isInteger(value) && value >= 1 && value <= max) return value;
        process.stdout.write(`  Type a number from 1 to ${max}.\n`);
      }
    },
    close: () => rl.close(),
  };
}
