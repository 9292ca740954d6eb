import { Argument, Command, Option } from 'commander';
import { applyGlobalOptions } from './output.js';

/**
 * The whole command tree, with descriptions only: every action imports its module when it runs,
 * so `openclaw --help` and `openclaw session list` never load an SDK, Ink or a channel library.
 */
export function buildProgram(version: string): Command {
  const program: Command = new Command('openclaw')
    .description('A personal AI agent runtime: chat in the terminal, run tasks from scripts, serve chat channels.')
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true)
    .configureHelp({ sortSubcommands: false, showGlobalOptions: false })
    .option('--no-color', 'no colour (also NO_COLOR=1; FORCE_COLOR=1 forces colour on)')
    .option('-q, --quiet', 'print only results, warnings and errors: no progress on stderr')
    .option('-v, --verbose', 'print more detail on stderr (and stack traces with errors)')
    .hook('preAction', (root: Command) => applyGlobalOptions(root.opts()))
    .addHelpText(
      'after',
      `
Examples:
  openclaw chat -p "summarise README.md"          run one task, print the answer
  git diff | openclaw chat -p "review this"        piped input is added to the prompt
  openclaw chat -c -p "and now the tests"          continue the last session here
  openclaw session list                            sessions in $OPENCLAW_HOME (~/.openclaw)

Exit status: 0 done, 1 runtime error, 2 usage or configuration error, 3 provider error,
4 turn limit reached, 130 interrupted.`,
    );

  const lazy =
    (load: () => Promise<{ default: (...args: any[]) => Promise<void> | void }>) =>
    async (...args: unknown[]) => {
      const module = await load();
      await module.default(...args);
    };

  program
    .command('chat')
    .description('talk to the agent: an interactive session on a terminal, or one task with -p')
    .argument('[prompt...]', 'the task; piped stdin is appended to it')
    .option('-p, --print', 'non-interactive: run the task, print the answer, exit (implied when stdin is not a terminal)')
    .option('-c, --continue', 'continue the most recent session in this directory')
    .option('-r, --resume <id>', 'continue the session with this id (or unique id prefix)')
    .option('--provider <name>', 'openai | anthropic | a provider id from config')
    .option('-m, --model <id>', 'model id, e.g. gpt-5.4-mini or claude-sonnet-4-6')
    .addOption(new Option('--approval <mode>', 'what tools may do without asking').choices(['read-only', 'ask', 'auto-edit', 'full']))
    .option('--allow <rule>', "allow matching tool calls, e.g. 'shell(git status)' or 'write(src/**)' (repeatable)", collect)
    .option('--deny <rule>', "deny matching tool calls, e.g. 'shell(rm *)' (repeatable)", collect)
    .addOption(new Option('--sandbox <mode>', 'run shell commands in a sandbox').choices(['off', 'bwrap', 'auto']))
    .option('--max-turns <n>', 'stop after n model turns (exit 4)')
    .addOption(new Option('--output-format <format>', 'print mode output').choices(['text', 'json', 'stream-json']).default('text'))
    .option('--no-session', 'do not save this run as a session')
    .option('--remote [url]', 'send through a running gateway (default: the one serving $OPENCLAW_HOME, else http://127.0.0.1:18789); -r names its session key')
    .addHelpText(
      'after',
      `
In print mode stdout holds only the answer (text), one JSON document (json) or one event per
line (stream-json); progress and warnings go to stderr. Nobody can approve a tool call in print
mode: calls that would need approval are denied unless --approval or --allow permits them.`,
    )
    .action(lazy(() => import('./commands/chat.js')));

  // `serve start --port 1` hands --port to `serve` itself: a subcommand reads its parent's options too.
  const serveCommand = (name: 'start' | 'stop' | 'status' | 'logs' | 'install') =>
    lazy(() =>
      import('./commands/serve.js').then((m) => ({
        default: (options: object, command: Command) => m[name]({ ...command.parent?.opts(), ...options }),
      })),
    );
  const bindOptions = (command: Command) =>
    command
      .option('--host <host>', 'address to bind (default 127.0.0.1, or gateway.host)')
      .option('--port <port>', 'port to listen on (default 18789, or gateway.port; 0 picks a free one)')
      .option('--allow-remote', 'allow binding a non-loopback address (token auth stays on)');
  const serve = bindOptions(program.command('serve').description('run the gateway (HTTP + WebSocket) in the foreground'))
    .addHelpText(
      'after',
      `
The gateway serves the WebChat page at /, the WebSocket protocol at /ws, and an
OpenAI-compatible API at /v1/chat/completions, all behind a bearer token: the one in
$OPENCLAW_HOME/gateway/token (created on first start) or OPENCLAW_GATEWAY_TOKEN.
Messages are on disk before they are acknowledged; SIGTERM drains within 10 s.`,
    )
    .action(lazy(() => import('./commands/serve.js')));
  bindOptions(serve.command('start').description('start the gateway in the background (log: $OPENCLAW_HOME/logs/gateway.log)')).action(serveCommand('start'));
  serve.command('stop').description('stop the background gateway (it drains first)').action(serveCommand('stop'));
  serve.command('status').description('show pid, address, uptime, sessions, queue depth and channel health').option('--json', 'JSON output').action(serveCommand('status'));
  serve
    .command('logs')
    .description('show the gateway log')
    .option('-f, --follow', 'keep printing new lines')
    .option('-n, --lines <n>', 'how many of the last lines to show', '50')
    .option('--json', 'the raw JSON lines')
    .action(serveCommand('logs'));
  bindOptions(serve.command('install').description('write and enable a systemd user unit for the gateway'))
    .option('--dry-run', 'print the unit and the commands instead')
    .action(serveCommand('install'));

  const skill = program
    .command('skill')
    .description('install and manage skills (SKILL.md folders)')
    .addHelpText(
      'after',
      `
Skills are found in, highest precedence first: <cwd>/.openclaw/skills, <cwd>/.agents/skills,
$OPENCLAW_HOME/skills (where \`install\` puts them) and the skills bundled with openclaw.`,
    );
  skill
    .command('install')
    .description('install a skill from a folder, archive, git URL or npm:<package>')
    .argument('<source>', 'a folder, a .tar.gz/.tgz/.zip file or https URL, a git URL (https://, git@, file://, *.git; #ref allowed), or npm:<package>[@version]')
    .option('--name <name>', 'the skill to install when the source holds several')
    .option('--path <subdir>', 'the folder inside the source to look in')
    .option('--ref <ref>', 'branch, tag or commit of a git source')
    .option('--force', 'replace an installed skill of the same name')
    .option('--json', 'JSON output')
    .addHelpText(
      'after',
      `
Nothing from the skill is run. Archives with ".." or absolute paths, links that leave the skill,
device files or oversize files are refused and nothing is written. The sha256 of every file is
recorded in $OPENCLAW_HOME/skills/lock.json for \`openclaw skill verify\`.

Examples:
  openclaw skill install ./my-skill
  openclaw skill install https://github.com/anthropics/skills --path skills/mcp-builder
  openclaw skill install git@github.com:me/skills.git --name release-notes --ref v1.2
  openclaw skill install npm:@acme/skill-deploy@2.0.0`,
    )
    .action(lazy(() => import('./commands/skill-install.js')));
  skill
    .command('list')
    .description('list skills: where each comes from and whether it is available here')
    .option('--json', 'JSON output')
    .action(lazy(() => import('./commands/skill-list.js')));
  skill
    .command('info')
    .description('show one skill, with the scripts it could ask to run')
    .argument('<name>')
    .option('--json', 'JSON output')
    .action(lazy(() => import('./commands/skill-info.js')));
  skill
    .command('remove')
    .description('remove an installed skill')
    .argument('<name>')
    .action(lazy(() => import('./commands/skill-remove.js')));
  skill
    .command('check')
    .description('check the requirements (binaries, variables, OS) of every skill')
    .option('--json', 'JSON output')
    .action(lazy(() => import('./commands/skill-check.js')));
  skill
    .command('verify')
    .description('compare installed skills with their recorded sha256 (exit 1 on a difference)')
    .option('--json', 'JSON output')
    .action(lazy(() => import('./commands/skill-verify.js')));
  skill
    .command('new')
    .description('scaffold a new skill (in ./.openclaw/skills unless --dir)')
    .argument('<name>', 'lowercase letters, digits and hyphens, e.g. release-notes')
    .option('--dir <folder>', 'create the skill folder inside this folder')
    .action(lazy(() => import('./commands/skill-new.js')));

  const session = program.command('session').description('list, show, export, import and remove sessions');
  session
    .command('list')
    .description('list sessions, most recent first')
    .option('--json', 'JSON output')
    .option('--here', 'only sessions started in this directory')
    .action(lazy(() => import('./commands/session-list.js')));
  session
    .command('show')
    .description('print a session transcript')
    .argument('<id>', 'session id or unique prefix')
    .option('--json', 'every raw entry as JSON lines (with --tools: a JSON array)')
    .option('--all', 'the full history, including what was compacted into summaries')
    .option('--tools', 'the audit trail: every tool call, its decision (rule, mode, user), exit code, duration, what it touched')
    .action(lazy(() => import('./commands/session-show.js')));
  session
    .command('export')
    .description('write a session as Markdown or JSONL (JSONL imports back unchanged)')
    .argument('<id>', 'session id or unique prefix')
    .addOption(new Option('--format <format>', 'output format').choices(['md', 'jsonl']).default('md'))
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action(lazy(() => import('./commands/session-export.js')));
  session
    .command('import')
    .description('add a session from an exported JSONL file')
    .argument('<file>')
    .option('--json', 'JSON output')
    .action(lazy(() => import('./commands/session-import.js')));
  session
    .command('rm')
    .description('delete a session and its transcript')
    .argument('<id>', 'session id or unique prefix')
    .action(lazy(() => import('./commands/session-rm.js')));
  session
    .command('fork')
    .description('copy a session into a new one, to continue it in two directions')
    .argument('<id>', 'session id or unique prefix')
    .option('--json', 'JSON output')
    .action(lazy(() => import('./commands/session-fork.js')));
  session
    .command('compact')
    .description('summarise the older part of a session now (the transcript keeps everything)')
    .argument('<id>', 'session id or unique prefix')
    .option('--focus <text>', 'what the summary should keep in focus')
    .option('--json', 'JSON output')
    .action(lazy(() => import('./commands/session-compact.js')));

  const memory = program
    .command('memory')
    .description('long-term memory: Markdown notes the agent recalls in later sessions')
    .addHelpText(
      'after',
      `
Memory is Markdown in $OPENCLAW_HOME/memory: MEMORY.md for durable facts,
notes/YYYY-MM-DD.md for dated notes, and any other *.md file you put there. Each
list item or paragraph is one entry; its id comes from its text. Edit the files
freely: the search index follows them.`,
    );
  const memoryCommand = (name: 'add' | 'search' | 'list' | 'rm' | 'reindex') =>
    lazy(() => import('./commands/memory.js').then((m) => ({ default: m[name] })));
  memory
    .command('add')
    .description("remember a fact (today's notes; --durable for MEMORY.md)")
    .argument('<text...>')
    .option('--durable', 'a lasting fact (a preference, a decision), kept in MEMORY.md')
    .option('--json', 'JSON output')
    .action(memoryCommand('add'));
  memory
    .command('search')
    .description('search memory, best match first')
    .argument('<query...>')
    .option('--json', 'JSON output')
    .option('--limit <n>', 'at most n results', '10')
    .action(memoryCommand('search'));
  memory.command('list').description('list memory entries').option('--json', 'JSON output').action(memoryCommand('list'));
  memory.command('rm').description('forget an entry (every copy of its text)').argument('<id>', 'entry id or unique prefix (4+ characters)').action(memoryCommand('rm'));
  memory.command('reindex').description('rebuild the memory search index from the Markdown files').action(memoryCommand('reindex'));

  const config = program.command('config').description(`read and change settings ($OPENCLAW_HOME/config.json)`);
  config
    .command('get')
    .description('print the value of a key')
    .argument('<key>', 'e.g. provider, providers.local.baseUrl')
    .option('--json', 'JSON output')
    .action(lazy(() => import('./commands/config.js').then((m) => ({ default: m.get }))));
  config
    .command('set')
    .description('set a key (values that parse as JSON are stored as JSON; for a list key, 42 or 42,43 is a list)')
    .argument('<key>')
    .argument('<value>')
    .action(lazy(() => import('./commands/config.js').then((m) => ({ default: m.set }))));
  config
    .command('unset')
    .description('remove a key')
    .argument('<key>')
    .action(lazy(() => import('./commands/config.js').then((m) => ({ default: m.unset }))));
  config
    .command('list')
    .description('print the settings, with warnings for unknown or invalid keys')
    .option('--json', 'JSON output')
    .option('--keys', 'list every key that can be set, with its meaning')
    .action(lazy(() => import('./commands/config.js').then((m) => ({ default: m.list }))));
  config
    .command('path')
    .description('print the path of the config file')
    .action(lazy(() => import('./commands/config.js').then((m) => ({ default: m.path }))));
  config
    .command('edit')
    .description('open the config file in $VISUAL or $EDITOR, then check it')
    .action(lazy(() => import('./commands/config.js').then((m) => ({ default: m.edit }))));

  const approvals = program.command('approvals').description('"always" approvals saved as rules');
  approvals
    .command('list')
    .description('list saved approvals: the rule, where and when it was granted, when it was last used')
    .option('--json', 'JSON output')
    .action(lazy(() => import('./commands/approvals.js').then((m) => ({ default: m.list }))));
  approvals
    .command('rm')
    .description('remove a saved approval')
    .argument('<rule>', "the rule as listed, e.g. 'shell(npm test *)'")
    .option('--where <dir>', 'only the approval granted in this directory')
    .action(lazy(() => import('./commands/approvals.js').then((m) => ({ default: m.rm }))));

  const mcp = program
    .command('mcp')
    .description('Model Context Protocol servers: their tools become tools of the agent')
    .addHelpText(
      'after',
      `
Servers start with the first message of a chat and stop with it. Their tools are offered as
<server>__<tool> and pass the same policy as built-in tools: they count as exec tools unless
--capability says otherwise, and rules name them as mcp(<server>__<tool>) or mcp(<server>__*).
A server that fails to start is a warning (with its stderr); the chat goes on without it.`,
    );
  const mcpCommand = (name: 'add' | 'list' | 'remove') => lazy(() => import('./commands/mcp.js').then((m) => ({ default: m[name] })));
  mcp
    .command('add')
    .description('add a server: a command speaking MCP on stdio (after --), or --url for streamable HTTP')
    .argument('<name>', 'what its tools are prefixed with, e.g. github (github__create_issue)')
    .argument('[command...]', 'the program and its arguments, after --')
    .option('--env <NAME=value>', "environment variable for a stdio server; '${NAME}' is read from yours at start (repeatable)", collect)
    .option('--url <url>', 'a streamable HTTP server instead of a command')
    .option('--header <NAME=value>', "request header for an HTTP server; '${NAME}' is read from your environment (repeatable)", collect)
    .addOption(new Option('--capability <capability>', 'what the policy treats its tools as (default exec)').choices(['read', 'write', 'exec', 'network']))
    .option('--force', 'replace a server of the same name')
    .addHelpText(
      'after',
      `
Examples:
  openclaw mcp add fs -- npx -y @modelcontextprotocol/server-filesystem ~/notes
  openclaw mcp add github --env GITHUB_TOKEN='\${GITHUB_TOKEN}' -- github-mcp-server stdio
  openclaw mcp add docs --url https://example.com/mcp --header 'Authorization=Bearer \${DOCS_TOKEN}'`,
    )
    .action(mcpCommand('add'));
  mcp.command('list').description('list MCP servers').option('--json', 'JSON output').action(mcpCommand('list'));
  mcp.command('remove').description('remove an MCP server').argument('<name>').action(mcpCommand('remove'));

  const channels = program
    .command('channels')
    .description('chat channels of the gateway (Telegram, Slack)')
    .addHelpText(
      'after',
      `
Set a channel up with its token, then (re)start the gateway:
  openclaw config set channels.telegram.token <token from @BotFather>   (or TELEGRAM_BOT_TOKEN)
  openclaw config set channels.slack.botToken xoxb-...                  (or SLACK_BOT_TOKEN)
  openclaw config set channels.slack.appToken xapp-...                  (or SLACK_APP_TOKEN)
Unknown senders get a pairing code: see \`openclaw pairing --help\`.`,
    );
  const channelsCommand = (name: 'list' | 'status') => lazy(() => import('./commands/channels.js').then((m) => ({ default: m[name] })));
  channels.command('list').description('list the chat channels: configured, credentials, who may write').option('--json', 'JSON output').action(channelsCommand('list'));
  channels
    .command('status')
    .description('health of each channel in the running gateway: connected, last inbound, last error (exit 1 if one is down)')
    .option('--json', 'JSON output')
    .action(channelsCommand('status'));

  const pairing = program
    .command('pairing')
    .description('approve or deny people who message the bot')
    .addHelpText(
      'after',
      `
An unknown sender's first direct message gets a one-time code (valid an hour, at most 3
waiting per channel) and nothing reaches the agent until you approve it:
  openclaw pairing approve telegram K7Q2M9XA`,
    );
  const pairingCommand = (name: 'list' | 'approve' | 'deny') => lazy(() => import('./commands/pairing.js').then((m) => ({ default: m[name] })));
  pairing.command('list').description('pairing codes waiting for approval, and the approved senders').option('--json', 'JSON output').action(pairingCommand('list'));
  pairing.command('approve').description('approve a pairing code: its sender joins the allowlist').argument('<channel>', 'telegram | slack').argument('<code>').action(pairingCommand('approve'));
  pairing
    .command('deny')
    .description('deny a pairing code, or take an approved sender (by id) off the allowlist')
    .argument('<channel>', 'telegram | slack')
    .argument('<code>', 'the code, or an approved sender id')
    .action(pairingCommand('deny'));

  program
    .command('doctor')
    .description('check the installation, the store, the provider and the set-up around them')
    .option('--fix', 'repair what is safe to repair (file modes, the sessions index) and say what changed')
    .option('--json', 'JSON output')
    .addHelpText('after', '\nExit status 1 when a check fails (after --fix, when it still fails); warnings alone exit 0.')
    .action(lazy(() => import('./commands/doctor.js')));
  program
    .command('security')
    .description('security checks')
    .command('audit')
    .description('audit settings, permissions and exposure')
    .option('--json', 'JSON output')
    .addHelpText('after', '\nChecks file modes of the store, secrets in config files, broad allow rules, the\ndefault approval mode and the sandbox. Exit status 1 when a high finding exists.')
    .action(lazy(() => import('./commands/security-audit.js')));
  program
    .command('completion')
    .description('print a shell completion script')
    .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh', 'fish']))
    .addHelpText(
      'after',
      `
Install:
  bash  openclaw completion bash > ~/.local/share/bash-completion/completions/openclaw
  zsh   openclaw completion zsh > "\${fpath[1]}/_openclaw"
  fish  openclaw completion fish > ~/.config/fish/completions/openclaw.fish`,
    )
    .action(lazy(() => import('./commands/completion.js')));
  program
    .command('init')
    .description('guided first-run set-up: choose a provider and model, write the config')
    .action(lazy(() => import('./commands/init.js')));

  return program;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
