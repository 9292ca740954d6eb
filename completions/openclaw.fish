# fish completion for openclaw. Generated from the command tree by `npm run build`: do not edit.
# Install: openclaw completion fish > ~/.config/fish/completions/openclaw.fish

function __openclaw_values --argument-names kind --description 'words found by globbing the store: no Node start per Tab'
    set -l home $HOME/.openclaw
    set -q OPENCLAW_HOME; and test -n "$OPENCLAW_HOME"; and set home $OPENCLAW_HOME
    switch $kind
        case sessions
            for f in $home/sessions/*.jsonl
                string replace -r '^.*/(.*)\.jsonl$' '$1' -- $f
            end
        case skills
            for d in .openclaw/skills/*/ .agents/skills/*/ $home/skills/*/
                string replace -r '^.*/([^/]+)/$' '$1' -- $d
            end
            printf '%s\n' create-skill review-diff summarize-folder
        case installed-skills
            for d in $home/skills/*/
                string replace -r '^.*/([^/]+)/$' '$1' -- $d
            end
        case config-keys
            printf '%s\n' provider model approval sandbox maxTurns maxOutputTokens contextWindow compaction.enabled compaction.threshold compaction.reserveTokens compaction.keepRecentTokens memory.enabled memory.recallTokens retry.maxRetries retry.baseDelayMs retry.maxDelayMs permissions.allow permissions.ask permissions.deny tools.shell.timeoutMs tools.shell.maxOutputBytes gateway.host gateway.port gateway.allowRemote gateway.maxConcurrent gateway.maxQueuePerSession gateway.approval gateway.sessionIdleSeconds gateway.maxBodyBytes gateway.allowedOrigins channels.telegram.token channels.telegram.enabled channels.telegram.dmPolicy channels.telegram.allowFrom channels.telegram.groups channels.telegram.requireMention channels.telegram.toolProfile channels.telegram.apiRoot channels.telegram.webhookUrl channels.telegram.webhookSecret channels.telegram.pollIntervalMs channels.slack.botToken channels.slack.appToken channels.slack.enabled channels.slack.dmPolicy channels.slack.allowFrom channels.slack.groups channels.slack.requireMention channels.slack.toolProfile channels.slack.apiUrl
    end
end

function __openclaw_commands --argument-names path
    switch $path
        case ''
            printf '%s\n' chat serve skill session memory config approvals mcp channels pairing doctor security completion init help
        case 'serve'
            printf '%s\n' start stop status logs install
        case 'skill'
            printf '%s\n' install list info remove check verify new help
        case 'session'
            printf '%s\n' list show export import rm fork compact help
        case 'memory'
            printf '%s\n' add search list rm reindex help
        case 'config'
            printf '%s\n' get set unset list path edit help
        case 'approvals'
            printf '%s\n' list rm help
        case 'mcp'
            printf '%s\n' add list remove help
        case 'channels'
            printf '%s\n' list status help
        case 'pairing'
            printf '%s\n' list approve deny help
        case 'security'
            printf '%s\n' audit help
    end
end

function __openclaw_value_options --argument-names path
    switch $path
        case 'chat'
            string split ' ' -- '-r --resume --provider -m --model --approval --allow --deny --sandbox --max-turns --output-format --remote'
        case 'serve'
            string split ' ' -- '--host --port'
        case 'serve start'
            string split ' ' -- '--host --port'
        case 'serve logs'
            string split ' ' -- '-n --lines'
        case 'serve install'
            string split ' ' -- '--host --port'
        case 'skill install'
            string split ' ' -- '--name --path --ref'
        case 'skill new'
            string split ' ' -- '--dir'
        case 'session export'
            string split ' ' -- '--format -o --output'
        case 'session compact'
            string split ' ' -- '--focus'
        case 'memory search'
            string split ' ' -- '--limit'
        case 'approvals rm'
            string split ' ' -- '--where'
        case 'mcp add'
            string split ' ' -- '--env --url --header --capability'
    end
end

# Where the command line is: the command path on the first line, the number of arguments after it on the second.
function __openclaw_state
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l path
    set -l args 0
    set -l skip 0
    set -l dashdash 0
    for token in $tokens
        if test $skip = 1
            set skip 0
        else if test $dashdash = 1
            set args (math $args + 1)
        else if test "$token" = --
            set dashdash 1
        else if string match -q -- '-*' $token
            if not string match -q -- '*=*' $token; and contains -- $token (__openclaw_value_options "$path")
                set skip 1
            end
        else if test $args = 0; and contains -- $token (__openclaw_commands "$path")
            set path $path $token
        else
            set args (math $args + 1)
        end
    end
    echo "$path"
    echo $args
end

# At this command, before any argument: where its subcommands go.
function __openclaw_at --argument-names want
    set -l state (__openclaw_state)
    test "$state[1]" = "$want"; and test $state[2] = 0
end

# Anywhere in this command: where its options go.
function __openclaw_in --argument-names want
    set -l state (__openclaw_state)
    test "$state[1]" = "$want"
end

# At argument number n of this command (n or later with +).
function __openclaw_arg --argument-names want n more
    set -l state (__openclaw_state)
    test "$state[1]" = "$want"; or return 1
    test $state[2] = $n; or begin; test "$more" = +; and test $state[2] -gt $n; end
end

complete -c openclaw -f
complete -c openclaw -l no-color -d 'no colour (also NO_COLOR=1; FORCE_COLOR=1 forces colour on)'
complete -c openclaw -s q -l quiet -d 'print only results, warnings and errors: no progress on stderr'
complete -c openclaw -s v -l verbose -d 'print more detail on stderr (and stack traces with errors)'
complete -c openclaw -s h -l help -d 'show help'
complete -c openclaw -n '__openclaw_at ""' -a chat -d 'talk to the agent: an interactive session on a terminal, or one task with -p'
complete -c openclaw -n '__openclaw_at ""' -a serve -d 'run the gateway (HTTP + WebSocket) in the foreground'
complete -c openclaw -n '__openclaw_at ""' -a skill -d 'install and manage skills (SKILL.md folders)'
complete -c openclaw -n '__openclaw_at ""' -a session -d 'list, show, export, import and remove sessions'
complete -c openclaw -n '__openclaw_at ""' -a memory -d 'long-term memory: Markdown notes the agent recalls in later sessions'
complete -c openclaw -n '__openclaw_at ""' -a config -d 'read and change settings ($OPENCLAW_HOME/config.json)'
complete -c openclaw -n '__openclaw_at ""' -a approvals -d '"always" approvals saved as rules'
complete -c openclaw -n '__openclaw_at ""' -a mcp -d 'Model Context Protocol servers: their tools become tools of the agent'
complete -c openclaw -n '__openclaw_at ""' -a channels -d 'chat channels of the gateway (Telegram, Slack)'
complete -c openclaw -n '__openclaw_at ""' -a pairing -d 'approve or deny people who message the bot'
complete -c openclaw -n '__openclaw_at ""' -a doctor -d 'check the installation, the store, the provider and the set-up around them'
complete -c openclaw -n '__openclaw_at ""' -a security -d 'security checks'
complete -c openclaw -n '__openclaw_at ""' -a completion -d 'print a shell completion script'
complete -c openclaw -n '__openclaw_at ""' -a init -d 'guided first-run set-up: choose a provider and model, write the config'
complete -c openclaw -n '__openclaw_at ""' -a help -d 'display help for command'
complete -c openclaw -n '__openclaw_in ""' -s V -l version -d 'print the version'
complete -c openclaw -n '__openclaw_in "chat"' -s p -l print -d 'non-interactive: run the task, print the answer, exit (implied when stdin is not a terminal)'
complete -c openclaw -n '__openclaw_in "chat"' -s c -l continue -d 'continue the most recent session in this directory'
complete -c openclaw -n '__openclaw_in "chat"' -s r -l resume -x -a '(__openclaw_values sessions)' -d 'continue the session with this id (or unique id prefix)'
complete -c openclaw -n '__openclaw_in "chat"' -l provider -x -d 'openai | anthropic | a provider id from config'
complete -c openclaw -n '__openclaw_in "chat"' -s m -l model -x -d 'model id, e.g. gpt-5.4-mini or claude-sonnet-4-6'
complete -c openclaw -n '__openclaw_in "chat"' -l approval -x -a 'read-only ask auto-edit full' -d 'what tools may do without asking'
complete -c openclaw -n '__openclaw_in "chat"' -l allow -x -d 'allow matching tool calls, e.g. \'shell(git status)\' or \'write(src/**)\' (repeatable)'
complete -c openclaw -n '__openclaw_in "chat"' -l deny -x -d 'deny matching tool calls, e.g. \'shell(rm *)\' (repeatable)'
complete -c openclaw -n '__openclaw_in "chat"' -l sandbox -x -a 'off bwrap auto' -d 'run shell commands in a sandbox'
complete -c openclaw -n '__openclaw_in "chat"' -l max-turns -x -d 'stop after n model turns (exit 4)'
complete -c openclaw -n '__openclaw_in "chat"' -l output-format -x -a 'text json stream-json' -d 'print mode output'
complete -c openclaw -n '__openclaw_in "chat"' -l no-session -d 'do not save this run as a session'
complete -c openclaw -n '__openclaw_in "chat"' -l remote -x -d 'send through a running gateway (default: the one serving $OPENCLAW_HOME, else http://127.0.0.1:18789); -r names its session key'
complete -c openclaw -n '__openclaw_at "serve"' -a start -d 'start the gateway in the background (log: $OPENCLAW_HOME/logs/gateway.log)'
complete -c openclaw -n '__openclaw_at "serve"' -a stop -d 'stop the background gateway (it drains first)'
complete -c openclaw -n '__openclaw_at "serve"' -a status -d 'show pid, address, uptime, sessions, queue depth and channel health'
complete -c openclaw -n '__openclaw_at "serve"' -a logs -d 'show the gateway log'
complete -c openclaw -n '__openclaw_at "serve"' -a install -d 'write and enable a systemd user unit for the gateway'
complete -c openclaw -n '__openclaw_in "serve"' -l host -x -d 'address to bind (default 127.0.0.1, or gateway.host)'
complete -c openclaw -n '__openclaw_in "serve"' -l port -x -d 'port to listen on (default 18789, or gateway.port; 0 picks a free one)'
complete -c openclaw -n '__openclaw_in "serve"' -l allow-remote -d 'allow binding a non-loopback address (token auth stays on)'
complete -c openclaw -n '__openclaw_in "serve start"' -l host -x -d 'address to bind (default 127.0.0.1, or gateway.host)'
complete -c openclaw -n '__openclaw_in "serve start"' -l port -x -d 'port to listen on (default 18789, or gateway.port; 0 picks a free one)'
complete -c openclaw -n '__openclaw_in "serve start"' -l allow-remote -d 'allow binding a non-loopback address (token auth stays on)'
complete -c openclaw -n '__openclaw_in "serve status"' -l json -d 'JSON output'
complete -c openclaw -n '__openclaw_in "serve logs"' -s f -l follow -d 'keep printing new lines'
complete -c openclaw -n '__openclaw_in "serve logs"' -s n -l lines -x -d 'how many of the last lines to show'
complete -c openclaw -n '__openclaw_in "serve logs"' -l json -d 'the raw JSON lines'
complete -c openclaw -n '__openclaw_in "serve install"' -l host -x -d 'address to bind (default 127.0.0.1, or gateway.host)'
complete -c openclaw -n '__openclaw_in "serve install"' -l port -x -d 'port to listen on (default 18789, or gateway.port; 0 picks a free one)'
complete -c openclaw -n '__openclaw_in "serve install"' -l allow-remote -d 'allow binding a non-loopback address (token auth stays on)'
complete -c openclaw -n '__openclaw_in "serve install"' -l dry-run -d 'print the unit and the commands instead'
complete -c openclaw -n '__openclaw_at "skill"' -a install -d 'install a skill from a folder, archive, git URL or npm:<package>'
complete -c openclaw -n '__openclaw_at "skill"' -a list -d 'list skills: where each comes from and whether it is available here'
complete -c openclaw -n '__openclaw_at "skill"' -a info -d 'show one skill, with the scripts it could ask to run'
complete -c openclaw -n '__openclaw_at "skill"' -a remove -d 'remove an installed skill'
complete -c openclaw -n '__openclaw_at "skill"' -a check -d 'check the requirements (binaries, variables, OS) of every skill'
complete -c openclaw -n '__openclaw_at "skill"' -a verify -d 'compare installed skills with their recorded sha256 (exit 1 on a difference)'
complete -c openclaw -n '__openclaw_at "skill"' -a new -d 'scaffold a new skill (in ./.openclaw/skills unless --dir)'
complete -c openclaw -n '__openclaw_at "skill"' -a help -d 'display help for command'
complete -c openclaw -n '__openclaw_in "skill install"' -l name -x -d 'the skill to install when the source holds several'
complete -c openclaw -n '__openclaw_in "skill install"' -l path -x -d 'the folder inside the source to look in'
complete -c openclaw -n '__openclaw_in "skill install"' -l ref -x -d 'branch, tag or commit of a git source'
complete -c openclaw -n '__openclaw_in "skill install"' -l force -d 'replace an installed skill of the same name'
complete -c openclaw -n '__openclaw_in "skill install"' -l json -d 'JSON output'
complete -c openclaw -n '__openclaw_arg "skill install" 0' -F
complete -c openclaw -n '__openclaw_in "skill list"' -l json -d 'JSON output'
complete -c openclaw -n '__openclaw_in "skill info"' -l json -d 'JSON output'
complete -c openclaw -n '__openclaw_arg "skill info" 0' -a '(__openclaw_values skills)'
complete -c openclaw -n '__openclaw_arg "skill remove" 0' -a '(__openclaw_values installed-skills)'
complete -c openclaw -n '__openclaw_in "skill check"' -l json -d 'JSON output'
complete -c openclaw -n '__openclaw_in "skill verify"' -l json -d 'JSON output'
complete -c openclaw -n '__openclaw_in "skill new"' -l dir -x -a '(__fish_complete_directories)' -d 'create the skill folder inside this folder'
complete -c openclaw -n '__openclaw_arg "skill help" 0' -a 'install list info remove check verify new'
complete -c openclaw -n '__openclaw_at "session"' -a list -d 'list sessions, most recent first'
complete -c openclaw -n '__openclaw_at "session"' -a show -d 'print a session transcript'
complete -c openclaw -n '__openclaw_at "session"' -a export -d 'write a session as Markdown or JSONL (JSONL imports back unchanged)'
complete -c openclaw -n '__openclaw_at "session"' -a import -d 'add a session from an exported JSONL file'
complete -c openclaw -n '__openclaw_at "session"' -a rm -d 'delete a session and its transcript'
complete -c openclaw -n '__openclaw_at "session"' -a fork -d 'copy a session into a new one, to continue it in two directions'
complete -c openclaw -n '__openclaw_at "session"' -a compact -d 'summarise the older part of a session now (the transcript keeps everything)'
complete -c openclaw -n '__openclaw_at "session"' -a help -d 'display help for command'
complete -c openclaw -n '__openclaw_in "session list"' -l json -d 'JSON output'
complete -c openclaw -n '__openclaw_in "session list"' -l here -d 'only sessions started in this directory'
complete -c openclaw -n '__openclaw_in "session show"' -l json -d 'every raw entry as JSON lines (with --tools: a JSON array)'
complete -c openclaw -n '__openclaw_in "session show"' -l all -d 'the full history, including what was compacted into summaries'
complete -c openclaw -n '__openclaw_in "session show"' -l tools -d 'the audit trail: every tool call, its decision (rule, mode, user), exit code, duration, what it touched'
complete -c openclaw -n '__openclaw_arg "session show" 0' -a '(__openclaw_values sessions)'
complete -c openclaw -n '__openclaw_in "session export"' -l format -x -a 'md jsonl' -d 'output format'
complete -c openclaw -n '__openclaw_in "session export"' -s o -l output -r -F -d 'write to a file instead of stdout'
complete -c openclaw -n '__openclaw_arg "session export" 0' -a '(__openclaw_values sessions)'
complete -c openclaw -n '__openclaw_in "session import"' -l json -d 'JSON output'
complete -c openclaw -n '__openclaw_arg "session import" 0' -F
complete -c openclaw -n '__openclaw_arg "session rm" 0' -a '(__openclaw_values sessions)'
complete -c openclaw -n '__openclaw_in "session fork"' -l json -d 'JSON output'
complete -c openclaw -n '__openclaw_arg "session fork" 0' -a '(__openclaw_values sessions)'
complete -c openclaw -n '__openclaw_in "session compact"' -l focus -x -d 'what the summary should keep in focus'
complete -c openclaw -n '__openclaw_in "session compact"' -l json -d 'JSON output'
complete -c openclaw -n '__openclaw_arg "session compact" 0' -a '(__openclaw_values sessions)'
complete -c openclaw -n '__openclaw_arg "session help" 0' -a 'list show export import rm fork compact'
complete -c openclaw -n '__openclaw_at "memory"' -a add -d 'remember a fact (today\'s notes; --durable for MEMORY.md)'
complete -c openclaw -n '__openclaw_at "memory"' -a search -d 'search memory, best match first'
complete -c openclaw -n '__openclaw_at "memory"' -a list -d 'list memory entries'
complete -c openclaw -n '__openclaw_at "memory"' -a rm -d 'forget an entry (every copy of its text)'
complete -c openclaw -n '__openclaw_at "memory"' -a reindex -d 'rebuild the memory search index from the Markdown files'
complete -c openclaw -n '__openclaw_at "memory"' -a help -d 'display help for command'
complete -c openclaw -n '__openclaw_in "memory add"' -l durable -d 'a lasting fact (a preference, a decision), kept in MEMORY.md'
complete -c openclaw -n '__openclaw_in "memory add"' -l json -d 'JSON output'
complete -c openclaw -n '__openclaw_in "memory search"' -l json -d 'JSON output'
complete -c openclaw -n '__openclaw_in "memory search"' -l limit -x -d 'at most n results'
complete -c openclaw -n '__openclaw_in "memory list"' -l json -d 'JSON output'
complete -c openclaw -n '__openclaw_arg "memory help" 0' -a 'add search list rm reindex'
complete -c openclaw -n '__openclaw_at "config"' -a get -d 'print the value of a key'
complete -c openclaw -n '__openclaw_at "config"' -a set -d 'set a key (values that parse as JSON are stored as JSON; for a list key, 42 or 42,43 is a list)'
complete -c openclaw -n '__openclaw_at "config"' -a unset -d 'remove a key'
complete -c openclaw -n '__openclaw_at "config"' -a list -d 'print the settings, with warnings for unknown or invalid keys'
complete -c openclaw -n '__openclaw_at "config"' -a path -d 'print the path of the config file'
complete -c openclaw -n '__openclaw_at "config"' -a edit -d 'open the config file in $VISUAL or $EDITOR, then check it'
complete -c openclaw -n '__openclaw_at "config"' -a help -d 'display help for command'
complete -c openclaw -n '__openclaw_in "config get"' -l json -d 'JSON output'
complete -c openclaw -n '__openclaw_arg "config get" 0' -a '(__openclaw_values config-keys)'
complete -c openclaw -n '__openclaw_arg "config set" 0' -a '(__openclaw_values config-keys)'
complete -c openclaw -n '__openclaw_arg "config unset" 0' -a '(__openclaw_values config-keys)'
complete -c openclaw -n '__openclaw_in "config list"' -l json -d 'JSON output'
complete -c openclaw -n '__openclaw_in "config list"' -l keys -d 'list every key that can be set, with its meaning'
complete -c openclaw -n '__openclaw_arg "config help" 0' -a 'get set unset list path edit'
complete -c openclaw -n '__openclaw_at "approvals"' -a list -d 'list saved approvals: the rule, where and when it was granted, when it was last used'
complete -c openclaw -n '__openclaw_at "approvals"' -a rm -d 'remove a saved approval'
complete -c openclaw -n '__openclaw_at "approvals"' -a help -d 'display help for command'
complete -c openclaw -n '__openclaw_in "approvals list"' -l json -d 'JSON output'
complete -c openclaw -n '__openclaw_in "approvals rm"' -l where -x -d 'only the approval granted in this directory'
complete -c openclaw -n '__openclaw_arg "approvals help" 0' -a 'list rm'
complete -c openclaw -n '__openclaw_at "mcp"' -a add -d 'add a server: a command speaking MCP on stdio (after --), or --url for streamable HTTP'
complete -c openclaw -n '__openclaw_at "mcp"' -a list -d 'list MCP servers'
complete -c openclaw -n '__openclaw_at "mcp"' -a remove -d 'remove an MCP server'
complete -c openclaw -n '__openclaw_at "mcp"' -a help -d 'display help for command'
complete -c openclaw -n '__openclaw_in "mcp add"' -l env -x -d 'environment variable for a stdio server; \'${NAME}\' is read from yours at start (repeatable)'
complete -c openclaw -n '__openclaw_in "mcp add"' -l url -x -d 'a streamable HTTP server instead of a command'
complete -c openclaw -n '__openclaw_in "mcp add"' -l header -x -d 'request header for an HTTP server; \'${NAME}\' is read from your environment (repeatable)'
complete -c openclaw -n '__openclaw_in "mcp add"' -l capability -x -a 'read write exec network' -d 'what the policy treats its tools as (default exec)'
complete -c openclaw -n '__openclaw_in "mcp add"' -l force -d 'replace a server of the same name'
complete -c openclaw -n '__openclaw_arg "mcp add" 1 +' -a '(__fish_complete_command)'
complete -c openclaw -n '__openclaw_in "mcp list"' -l json -d 'JSON output'
complete -c openclaw -n '__openclaw_arg "mcp help" 0' -a 'add list remove'
complete -c openclaw -n '__openclaw_at "channels"' -a list -d 'list the chat channels: configured, credentials, who may write'
complete -c openclaw -n '__openclaw_at "channels"' -a status -d 'health of each channel in the running gateway: connected, last inbound, last error (exit 1 if one is down)'
complete -c openclaw -n '__openclaw_at "channels"' -a help -d 'display help for command'
complete -c openclaw -n '__openclaw_in "channels list"' -l json -d 'JSON output'
complete -c openclaw -n '__openclaw_in "channels status"' -l json -d 'JSON output'
complete -c openclaw -n '__openclaw_arg "channels help" 0' -a 'list status'
complete -c openclaw -n '__openclaw_at "pairing"' -a list -d 'pairing codes waiting for approval, and the approved senders'
complete -c openclaw -n '__openclaw_at "pairing"' -a approve -d 'approve a pairing code: its sender joins the allowlist'
complete -c openclaw -n '__openclaw_at "pairing"' -a deny -d 'deny a pairing code, or take an approved sender (by id) off the allowlist'
complete -c openclaw -n '__openclaw_at "pairing"' -a help -d 'display help for command'
complete -c openclaw -n '__openclaw_in "pairing list"' -l json -d 'JSON output'
complete -c openclaw -n '__openclaw_arg "pairing help" 0' -a 'list approve deny'
complete -c openclaw -n '__openclaw_in "doctor"' -l fix -d 'repair what is safe to repair (file modes, the sessions index) and say what changed'
complete -c openclaw -n '__openclaw_in "doctor"' -l json -d 'JSON output'
complete -c openclaw -n '__openclaw_at "security"' -a audit -d 'audit settings, permissions and exposure'
complete -c openclaw -n '__openclaw_at "security"' -a help -d 'display help for command'
complete -c openclaw -n '__openclaw_in "security audit"' -l json -d 'JSON output'
complete -c openclaw -n '__openclaw_arg "security help" 0' -a 'audit'
complete -c openclaw -n '__openclaw_arg "completion" 0' -a 'bash zsh fish'
complete -c openclaw -n '__openclaw_arg "help" 0' -a 'chat serve skill session memory config approvals mcp channels pairing doctor security completion init'
