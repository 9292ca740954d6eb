import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command, Option } from 'commander';
import { BUNDLED_SKILLS_DIR, skillFolders } from '../skills/discovery.js';
import { configKeys } from '../store/config.js';
import { completionFile, SHELLS, type Shell } from './completion-files.js';

/*
 * Shell completion, generated from the commander tree. The scripts hold every command, option
 * and choice as data, and find dynamic values (session ids, skill names) with the shell's own
 * globbing: pressing Tab never starts Node. `npm run build` writes them to completions/, and
 * `openclaw completion <shell>` prints the file without loading commander. The same CommandSpec
 * feeds the man page (man.ts).
 */

/** What a value is, when more can be said than "a string". */
export type ValueKind = 'sessions' | 'skills' | 'installed-skills' | 'config-keys' | 'files' | 'dirs' | 'commands';

export interface ValueSpec {
  kind?: ValueKind;
  choices?: string[];
}

export interface OptionSpec {
  short?: string;
  long?: string;
  description: string;
  /** Absent for a flag; `optional` for `--remote [url]`. */
  value?: ValueSpec & { name: string; optional?: boolean; default?: string };
  repeatable: boolean;
  /** `--help`, `--version`: nothing else makes sense with them. */
  exclusive: boolean;
}

export interface ArgumentSpec extends ValueSpec {
  name: string;
  description: string;
  required: boolean;
  variadic: boolean;
}

export interface CommandSpec {
  path: string[];
  name: string;
  description: string;
  /** Its own options followed by the global ones (`--no-color`, `-q`, `-v`, `-h`). */
  options: OptionSpec[];
  arguments: ArgumentSpec[];
  commands: CommandSpec[];
}

/**
 * Values commander cannot describe, by command path and argument name or long option. A key
 * that names nothing in the tree fails the build, so renaming an argument cannot silently drop
 * its completion.
 */
const VALUES: Record<string, ValueKind> = {
  'chat --resume': 'sessions',
  'session show id': 'sessions',
  'session export id': 'sessions',
  'session export --output': 'files',
  'session import file': 'files',
  'session rm id': 'sessions',
  'session fork id': 'sessions',
  'session compact id': 'sessions',
  'skill install source': 'files',
  'skill info name': 'skills',
  'skill remove name': 'installed-skills',
  'skill new --dir': 'dirs',
  'config get key': 'config-keys',
  'config set key': 'config-keys',
  'config unset key': 'config-keys',
  'mcp add command': 'commands',
};

export function commandSpec(program: Command): CommandSpec {
  const help = program.createHelp();
  const globals = program.options.filter((option) => !option.hidden && option.long !== '--version').map((option) => optionSpec(option));
  const helpOption: OptionSpec = { short: '-h', long: '--help', description: 'show help', repeatable: false, exclusive: true };
  const used = new Set<string>();

  const visit = (command: Command, path: string[], siblings: string[]): CommandSpec => {
    const isRoot = path.length === 0;
    const own = isRoot ? program.options.filter((option) => !option.hidden && option.long === '--version') : command.options.filter((option) => !option.hidden);
    const children = help.visibleCommands(command);
    const names = children.map((child) => child.name());
    const args: ArgumentSpec[] = command.registeredArguments.map((argument) => {
      const key = `${path.join(' ')} ${argument.name()}`;
      if (VALUES[key]) used.add(key);
      // The implicit `help [command]` takes the name of a sibling.
      const choices = argument.argChoices ?? (command.name() === 'help' && argument.name() === 'command' ? siblings.filter((name) => name !== 'help') : undefined);
      return {
        name: argument.name(),
        description: argument.description ?? '',
        required: argument.required,
        variadic: argument.variadic,
        ...(choices ? { choices } : {}),
        ...(VALUES[key] ? { kind: VALUES[key] } : {}),
      };
    });
    const options = own.map((option) => {
      const key = `${path.join(' ')} ${option.long}`;
      if (VALUES[key]) used.add(key);
      return optionSpec(option, VALUES[key]);
    });
    return {
      path,
      name: isRoot ? 'openclaw' : command.name(),
      description: firstLine(command.description()),
      options: [...options, ...globals, helpOption],
      arguments: args,
      commands: children.map((child) => visit(child, [...path, child.name()], names)),
    };
  };
  const spec = visit(program, [], []);
  const unused = Object.keys(VALUES).filter((key) => !used.has(key));
  if (unused.length > 0) throw new Error(`completion: no such argument or option in the command tree: ${unused.join(', ')}`);
  return spec;
}

function optionSpec(option: Option, kind?: ValueKind): OptionSpec {
  const takesValue = option.required || option.optional;
  const name = /[<[]([^>\]]+)[>\]]/.exec(option.flags)?.[1]?.replace(/\.\.\.$/, '') ?? 'value';
  return {
    ...(option.short ? { short: option.short } : {}),
    ...(option.long ? { long: option.long } : {}),
    description: firstLine(option.description),
    ...(takesValue
      ? {
          value: {
            name,
            ...(option.optional ? { optional: true } : {}),
            ...(option.argChoices ? { choices: option.argChoices } : {}),
            ...(kind ? { kind } : {}),
            ...(typeof option.defaultValue === 'string' ? { default: option.defaultValue } : {}),
          },
        }
      : {}),
    repeatable: Boolean(option.variadic) || /\brepeatable\b/.test(option.description),
    exclusive: option.long === '--version',
  };
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim().replace(/\.$/, '');
}

export function allCommands(spec: CommandSpec): CommandSpec[] {
  return [spec, ...spec.commands.flatMap(allCommands)];
}

/** Static words the scripts offer for dynamic kinds: settable keys, bundled skills. */
function staticValues(): { configKeys: string[]; bundledSkills: string[] } {
  return {
    configKeys: configKeys()
      .map(({ key }) => key)
      .filter((key) => !key.includes('<')),
    bundledSkills: skillFolders(BUNDLED_SKILLS_DIR).map((dir) => basename(dir)),
  };
}

export function completionScript(shell: Shell, spec: CommandSpec): string {
  const values = staticValues();
  if (shell === 'bash') return bashScript(spec, values);
  if (shell === 'zsh') return zshScript(spec, values);
  return fishScript(spec, values);
}

/** Run by `npm run build`. */
export async function writeCompletions(): Promise<void> {
  const { buildProgram } = await import('./program.js');
  const { version } = await import('./version.js');
  const spec = commandSpec(buildProgram(version()));
  for (const shell of SHELLS) writeFileSync(completionFile(shell), completionScript(shell, spec));
}

// ---------------------------------------------------------------------------------------------
// bash: a small walker over generated tables. It follows the words typed so far to a command
// path, skipping options and their values, then completes an option, a subcommand, an option's
// value or the next argument.

const HEADER = (shell: Shell, install: string) => `# ${shell} completion for openclaw. Generated from the command tree by \`npm run build\`: do not edit.
# Install: ${install}
`;

function bashScript(spec: CommandSpec, values: { configKeys: string[]; bundledSkills: string[] }): string {
  const commands = allCommands(spec);
  const sq = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
  const caseOf = (fn: string, doc: string, rows: Array<[string, string]>) =>
    [`${fn}() { # ${doc}`, '  case $1 in', ...rows.map(([pattern, body]) => `    ${pattern}) ${body} ;;`), '  esac', '}'].join('\n');
  const valueWord = (value: ValueSpec) => (value.choices ? `=${value.choices.join(',')}` : `@${value.kind ?? 'none'}`);

  const subcommands = caseOf(
    '_openclaw_commands',
    'command path -> its subcommands',
    commands.filter((c) => c.commands.length > 0).map((c) => [sq(c.path.join(' ')), `echo ${sq(c.commands.map((child) => child.name).join(' '))}`]),
  );
  const options = caseOf(
    '_openclaw_options',
    'command path -> its options',
    commands.map((c) => [sq(c.path.join(' ')), `echo ${sq(c.options.flatMap((o) => [o.short, o.long]).filter(Boolean).join(' '))}`]),
  );
  const optionValues = caseOf(
    '_openclaw_option_value',
    "'path option' -> what its value is (nothing for a flag)",
    commands.flatMap((c) =>
      c.options
        .filter((o) => o.value)
        .map((o) => [[o.short, o.long].filter(Boolean).map((flag) => sq(`${c.path.join(' ')}${c.path.length ? ' ' : ''}${flag}`.trim())).join('|'), `echo ${sq(valueWord(o.value!))}`] as [string, string]),
    ),
  );
  const argumentsOf = caseOf(
    '_openclaw_arguments',
    'command path -> its arguments in order (* before one that repeats)',
    commands.filter((c) => c.arguments.length > 0).map((c) => [sq(c.path.join(' ')), `echo ${sq(c.arguments.map((a) => `${a.variadic ? '*' : ''}${valueWord(a)}`).join(' '))}`]),
  );

  return `${HEADER('bash', 'openclaw completion bash > ~/.local/share/bash-completion/completions/openclaw\n#    or add to ~/.bashrc: eval "$(openclaw completion bash)"')}
_openclaw_values() { # kind -> words, found by globbing the store: no Node start per Tab
  local home=\${OPENCLAW_HOME:-$HOME/.openclaw} f
  case $1 in
    sessions)
      for f in "$home"/sessions/*.jsonl; do [[ -e $f ]] || continue; f=\${f##*/}; printf '%s\\n' "\${f%.jsonl}"; done ;;
    skills)
      for f in .openclaw/skills/*/ .agents/skills/*/ "$home"/skills/*/; do [[ -d $f ]] || continue; f=\${f%/}; printf '%s\\n' "\${f##*/}"; done
      printf '%s\\n' ${values.bundledSkills.map(sq).join(' ')} ;;
    installed-skills)
      for f in "$home"/skills/*/; do [[ -d $f ]] || continue; f=\${f%/}; printf '%s\\n' "\${f##*/}"; done ;;
    config-keys)
      printf '%s\\n' ${values.configKeys.map(sq).join(' ')} ;;
  esac
}

${subcommands}

${options}

${optionValues}

${argumentsOf}

_openclaw_complete_value() { # @kind or =choice,choice -> COMPREPLY
  case $1 in
    =*) local choices=\${1#=}; mapfile -t COMPREPLY < <(compgen -W "\${choices//,/ }" -- "$cur") ;;
    @files) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
    @dirs) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -d -- "$cur") ;;
    @commands) mapfile -t COMPREPLY < <(compgen -c -- "$cur") ;;
    @none | '') COMPREPLY=() ;;
    @*) mapfile -t COMPREPLY < <(compgen -W "$(_openclaw_values "\${1#@}")" -- "$cur") ;;
  esac
}

_openclaw() {
  local cur=\${COMP_WORDS[COMP_CWORD]} path='' word value='' args=0 dashdash=0 i=1
  COMPREPLY=()
  while ((i < COMP_CWORD)); do
    word=\${COMP_WORDS[i]}
    if ((dashdash)); then
      ((args++))
    elif [[ $word == -- ]]; then
      dashdash=1
    elif [[ $word == -* ]]; then
      if [[ $word != *=* ]]; then
        value=$(_openclaw_option_value "\${path:+$path }$word")
        if [[ -n $value ]]; then
          ((i + 1 == COMP_CWORD)) && { _openclaw_complete_value "$value"; return; }
          ((i++))
        fi
      fi
    elif ((args == 0)) && [[ " $(_openclaw_commands "$path") " == *" $word "* ]]; then
      path=\${path:+$path }$word
    else
      ((args++))
    fi
    ((i++))
  done
  if ((!dashdash)) && [[ $cur == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$(_openclaw_options "$path")" -- "$cur")
    return
  fi
  local subcommands
  subcommands=$(_openclaw_commands "$path")
  if ((args == 0)) && [[ -n $subcommands ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$subcommands" -- "$cur")
    return
  fi
  local -a specs
  read -ra specs <<<"$(_openclaw_arguments "$path")"
  local n=\${#specs[@]} spec=''
  if ((args < n)); then
    spec=\${specs[args]}
  elif ((n > 0)) && [[ \${specs[n - 1]} == '*'* ]]; then
    spec=\${specs[n - 1]}
  fi
  _openclaw_complete_value "\${spec#\\*}"
}

complete -F _openclaw openclaw
`;
}

// ---------------------------------------------------------------------------------------------
// zsh: one _arguments function per command, the way zsh's own completions are written.

function zshScript(spec: CommandSpec, values: { configKeys: string[]; bundledSkills: string[] }): string {
  const sq = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
  const bracket = (text: string) => text.replace(/\\/g, '\\\\').replace(/\[/g, '\\[').replace(/\]/g, '\\]');
  const fn = (path: string[]) => `_openclaw${path.map((word) => `_${word.replace(/[^A-Za-z0-9]/g, '_')}`).join('')}`;
  const action = (value: ValueSpec) => {
    if (value.choices) return `(${value.choices.join(' ')})`;
    switch (value.kind) {
      case 'files':
        return '_files';
      case 'dirs':
        return '_files -/';
      case 'commands':
        return '_command_names -e';
      case undefined:
        return ' ';
      default:
        return `_openclaw_values ${value.kind}`;
    }
  };
  const message = (name: string) => name.replace(/[:]/g, ' ');
  const optionLines = (options: OptionSpec[]) =>
    options.map((option) => {
      const flags = [option.short, option.long].filter(Boolean) as string[];
      const exclusion = option.exclusive ? "'(- *)'" : option.repeatable ? '' : flags.length > 1 ? `'(${flags.join(' ')})'` : '';
      const repeat = option.repeatable ? '*' : '';
      const value = option.value ? `${option.value.optional ? '::' : ':'}${message(option.value.name)}:${action(option.value)}` : '';
      const tail = `[${bracket(option.description)}]${value}`;
      if (flags.length === 1) return `${exclusion}${sq(`${repeat}${flags[0]}${tail}`)}`;
      return `${exclusion}{${flags.map((flag) => sq(`${repeat}${flag}`)).join(',')}}${sq(tail)}`;
    });
  // Free text as an argument completes to nothing: a message-only action (' ') would compete
  // with the options, and zsh would list `--approval` instead of completing it.
  const argumentLines = (args: ArgumentSpec[]) =>
    args.map((argument, index) => {
      const position = argument.variadic ? '*' : String(index + 1);
      const optional = !argument.required && !argument.variadic ? ':' : '';
      const completes = argument.choices || argument.kind ? action(argument) : '_nothing';
      return sq(`${position}${optional}:${message(argument.name)}:${completes}`);
    });

  const functions = allCommands(spec).map((command) => {
    const lines = [...optionLines(command.options), ...argumentLines(command.arguments)];
    if (command.commands.length === 0) {
      return `${fn(command.path)}() {\n  _arguments -S \\\n    ${lines.join(' \\\n    ')}\n}`;
    }
    const items = command.commands.map((child) => sq(`${child.name.replace(/:/g, '\\:')}:${child.description}`));
    const dispatch = command.commands.map((child) => `        ${child.name}) ${fn(child.path)} ;;`).join('\n');
    return `${fn(command.path)}() {
  local curcontext=$curcontext state state_descr line
  typeset -A opt_args
  _arguments -C \\
    ${[...lines, sq(': :->command'), sq('*:: :->argument')].join(' \\\n    ')}
  case $state in
    command)
      local -a commands
      commands=(
        ${items.join('\n        ')}
      )
      _describe -t commands ${sq(`${['openclaw', ...command.path].join(' ')} command`)} commands ;;
    argument)
      curcontext=\${curcontext%:*:*}:openclaw-$words[1]:
      case $words[1] in
${dispatch}
      esac ;;
  esac
}`;
  });

  return `#compdef openclaw
${HEADER('zsh', 'openclaw completion zsh > "${fpath[1]}/_openclaw", then start a new shell\n#    (or put it in any directory on $fpath, before compinit runs)')}
# kind -> words, found by globbing the store: no Node start per Tab. The kind comes last:
# _arguments puts its own compadd options before it.
_openclaw_values() {
  local kind=\${@[-1]} home=\${OPENCLAW_HOME:-$HOME/.openclaw}
  local -a expl found
  case $kind in
    sessions) found=( $home/sessions/*.jsonl(N:t:r) ) ;;
    skills) found=( .openclaw/skills/*(N/:t) .agents/skills/*(N/:t) $home/skills/*(N/:t) ${values.bundledSkills.map(sq).join(' ')} ) ;;
    installed-skills) found=( $home/skills/*(N/:t) ) ;;
    config-keys) found=( ${values.configKeys.map(sq).join(' ')} ) ;;
  esac
  _wanted $kind expl "\${kind//-/ }" compadd -a found
}

${functions.join('\n\n')}

if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _openclaw "$@"
else
  compdef _openclaw openclaw
fi
`;
}

// ---------------------------------------------------------------------------------------------
// fish: \`complete\` lines whose conditions ask a small walker where the command line is.

function fishScript(spec: CommandSpec, values: { configKeys: string[]; bundledSkills: string[] }): string {
  const sq = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const commands = allCommands(spec);
  const lines: string[] = [];
  const flagsOf = (option: OptionSpec) => [option.short ? `-s ${option.short.slice(1)}` : '', option.long ? `-l ${option.long.slice(2)}` : ''].filter(Boolean).join(' ');
  const valueArgs = (value: ValueSpec): string => {
    if (value.choices) return `-x -a ${sq(value.choices.join(' '))}`;
    switch (value.kind) {
      case 'files':
        return '-r -F';
      case 'dirs':
        return `-x -a '(__fish_complete_directories)'`;
      case 'commands':
        return `-x -a '(__fish_complete_command)'`;
      case undefined:
        return '-x';
      default:
        return `-x -a '(__openclaw_values ${value.kind})'`;
    }
  };
  // Global options (and --help) complete everywhere; the rest only in their own command.
  const global = new Set(spec.options.filter((option) => option.long !== '--version').map((option) => option.long));
  for (const option of spec.options) {
    if (global.has(option.long)) lines.push(`complete -c openclaw ${flagsOf(option)} -d ${sq(option.description)}`);
  }
  for (const command of commands) {
    // Command names are plain words: a double-quoted path needs no escaping inside the single-quoted condition.
    const at = `"${command.path.join(' ')}"`;
    for (const child of command.commands) lines.push(`complete -c openclaw -n '__openclaw_at ${at}' -a ${child.name} -d ${sq(child.description)}`);
    for (const option of command.options) {
      if (global.has(option.long)) continue;
      lines.push(`complete -c openclaw -n '__openclaw_in ${at}' ${flagsOf(option)}${option.value ? ` ${valueArgs(option.value)}` : ''} -d ${sq(option.description)}`);
    }
    command.arguments.forEach((argument, index) => {
      const value = valueArgs(argument).replace(/^-[rx]( |$)/, '');
      if (value) lines.push(`complete -c openclaw -n '__openclaw_arg ${at} ${index}${argument.variadic ? ' +' : ''}' ${value}`);
    });
  }

  const commandRows = commands
    .filter((command) => command.commands.length > 0)
    .map((command) => `        case ${sq(command.path.join(' '))}\n            printf '%s\\n' ${command.commands.map((child) => child.name).join(' ')}`);
  const valueOptionRows = commands
    .map((command) => ({ command, flags: command.options.filter((option) => option.value).flatMap((option) => [option.short, option.long].filter(Boolean) as string[]) }))
    .filter(({ flags }) => flags.length > 0)
    .map(({ command, flags }) => `        case ${sq(command.path.join(' '))}\n            string split ' ' -- ${sq(flags.join(' '))}`);

  return `${HEADER('fish', 'openclaw completion fish > ~/.config/fish/completions/openclaw.fish')}
function __openclaw_values --argument-names kind --description 'words found by globbing the store: no Node start per Tab'
    set -l home $HOME/.openclaw
    set -q OPENCLAW_HOME; and test -n "$OPENCLAW_HOME"; and set home $OPENCLAW_HOME
    switch $kind
        case sessions
            for f in $home/sessions/*.jsonl
                string replace -r '^.*/(.*)\\.jsonl$' '$1' -- $f
            end
        case skills
            for d in .openclaw/skills/*/ .agents/skills/*/ $home/skills/*/
                string replace -r '^.*/([^/]+)/$' '$1' -- $d
            end
            printf '%s\\n' ${values.bundledSkills.join(' ')}
        case installed-skills
            for d in $home/skills/*/
                string replace -r '^.*/([^/]+)/$' '$1' -- $d
            end
        case config-keys
            printf '%s\\n' ${values.configKeys.join(' ')}
    end
end

function __openclaw_commands --argument-names path
    switch $path
${commandRows.join('\n')}
    end
end

function __openclaw_value_options --argument-names path
    switch $path
${valueOptionRows.join('\n')}
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
${lines.join('\n')}
`;
}
