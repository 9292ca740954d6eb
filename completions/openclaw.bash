# bash completion for openclaw. Generated from the command tree by `npm run build`: do not edit.
# Install: openclaw completion bash > ~/.local/share/bash-completion/completions/openclaw
#    or add to ~/.bashrc: eval "$(openclaw completion bash)"

_openclaw_values() { # kind -> words, found by globbing the store: no Node start per Tab
  local home=${OPENCLAW_HOME:-$HOME/.openclaw} f
  case $1 in
    sessions)
      for f in "$home"/sessions/*.jsonl; do [[ -e $f ]] || continue; f=${f##*/}; printf '%s\n' "${f%.jsonl}"; done ;;
    skills)
      for f in .openclaw/skills/*/ .agents/skills/*/ "$home"/skills/*/; do [[ -d $f ]] || continue; f=${f%/}; printf '%s\n' "${f##*/}"; done
      printf '%s\n' 'create-skill' 'review-diff' 'summarize-folder' ;;
    installed-skills)
      for f in "$home"/skills/*/; do [[ -d $f ]] || continue; f=${f%/}; printf '%s\n' "${f##*/}"; done ;;
    config-keys)
      printf '%s\n' 'provider' 'model' 'approval' 'sandbox' 'maxTurns' 'maxOutputTokens' 'contextWindow' 'compaction.enabled' 'compaction.threshold' 'compaction.reserveTokens' 'compaction.keepRecentTokens' 'memory.enabled' 'memory.recallTokens' 'retry.maxRetries' 'retry.baseDelayMs' 'retry.maxDelayMs' 'permissions.allow' 'permissions.ask' 'permissions.deny' 'tools.shell.timeoutMs' 'tools.shell.maxOutputBytes' 'gateway.host' 'gateway.port' 'gateway.allowRemote' 'gateway.maxConcurrent' 'gateway.maxQueuePerSession' 'gateway.approval' 'gateway.sessionIdleSeconds' 'gateway.maxBodyBytes' 'gateway.allowedOrigins' 'channels.telegram.token' 'channels.telegram.enabled' 'channels.telegram.dmPolicy' 'channels.telegram.allowFrom' 'channels.telegram.groups' 'channels.telegram.requireMention' 'channels.telegram.toolProfile' 'channels.telegram.apiRoot' 'channels.telegram.webhookUrl' 'channels.telegram.webhookSecret' 'channels.telegram.pollIntervalMs' 'channels.slack.botToken' 'channels.slack.appToken' 'channels.slack.enabled' 'channels.slack.dmPolicy' 'channels.slack.allowFrom' 'channels.slack.groups' 'channels.slack.requireMention' 'channels.slack.toolProfile' 'channels.slack.apiUrl' ;;
  esac
}

_openclaw_commands() { # command path -> its subcommands
  case $1 in
    '') echo 'chat serve skill session memory config approvals mcp channels pairing doctor security completion init help' ;;
    'serve') echo 'start stop status logs install' ;;
    'skill') echo 'install list info remove check verify new help' ;;
    'session') echo 'list show export import rm fork compact help' ;;
    'memory') echo 'add search list rm reindex help' ;;
    'config') echo 'get set unset list path edit help' ;;
    'approvals') echo 'list rm help' ;;
    'mcp') echo 'add list remove help' ;;
    'channels') echo 'list status help' ;;
    'pairing') echo 'list approve deny help' ;;
    'security') echo 'audit help' ;;
  esac
}

_openclaw_options() { # command path -> its options
  case $1 in
    '') echo '-V --version --no-color -q --quiet -v --verbose -h --help' ;;
    'chat') echo '-p --print -c --continue -r --resume --provider -m --model --approval --allow --deny --sandbox --max-turns --output-format --no-session --remote --no-color -q --quiet -v --verbose -h --help' ;;
    'serve') echo '--host --port --allow-remote --no-color -q --quiet -v --verbose -h --help' ;;
    'serve start') echo '--host --port --allow-remote --no-color -q --quiet -v --verbose -h --help' ;;
    'serve stop') echo '--no-color -q --quiet -v --verbose -h --help' ;;
    'serve status') echo '--json --no-color -q --quiet -v --verbose -h --help' ;;
    'serve logs') echo '-f --follow -n --lines --json --no-color -q --quiet -v --verbose -h --help' ;;
    'serve install') echo '--host --port --allow-remote --dry-run --no-color -q --quiet -v --verbose -h --help' ;;
    'skill') echo '--no-color -q --quiet -v --verbose -h --help' ;;
    'skill install') echo '--name --path --ref --force --json --no-color -q --quiet -v --verbose -h --help' ;;
    'skill list') echo '--json --no-color -q --quiet -v --verbose -h --help' ;;
    'skill info') echo '--json --no-color -q --quiet -v --verbose -h --help' ;;
    'skill remove') echo '--no-color -q --quiet -v --verbose -h --help' ;;
    'skill check') echo '--json --no-color -q --quiet -v --verbose -h --help' ;;
    'skill verify') echo '--json --no-color -q --quiet -v --verbose -h --help' ;;
    'skill new') echo '--dir --no-color -q --quiet -v --verbose -h --help' ;;
    'skill help') echo '--no-color -q --quiet -v --verbose -h --help' ;;
    'session') echo '--no-color -q --quiet -v --verbose -h --help' ;;
    'session list') echo '--json --here --no-color -q --quiet -v --verbose -h --help' ;;
    'session show') echo '--json --all --tools --no-color -q --quiet -v --verbose -h --help' ;;
    'session export') echo '--format -o --output --no-color -q --quiet -v --verbose -h --help' ;;
    'session import') echo '--json --no-color -q --quiet -v --verbose -h --help' ;;
    'session rm') echo '--no-color -q --quiet -v --verbose -h --help' ;;
    'session fork') echo '--json --no-color -q --quiet -v --verbose -h --help' ;;
    'session compact') echo '--focus --json --no-color -q --quiet -v --verbose -h --help' ;;
    'session help') echo '--no-color -q --quiet -v --verbose -h --help' ;;
    'memory') echo '--no-color -q --quiet -v --verbose -h --help' ;;
    'memory add') echo '--durable --json --no-color -q --quiet -v --verbose -h --help' ;;
    'memory search') echo '--json --limit --no-color -q --quiet -v --verbose -h --help' ;;
    'memory list') echo '--json --no-color -q --quiet -v --verbose -h --help' ;;
    'memory rm') echo '--no-color -q --quiet -v --verbose -h --help' ;;
    'memory reindex') echo '--no-color -q --quiet -v --verbose -h --help' ;;
    'memory help') echo '--no-color -q --quiet -v --verbose -h --help' ;;
    'config') echo '--no-color -q --quiet -v --verbose -h --help' ;;
    'config get') echo '--json --no-color -q --quiet -v --verbose -h --help' ;;
    'config set') echo '--no-color -q --quiet -v --verbose -h --help' ;;
    'config unset') echo '--no-color -q --quiet -v --verbose -h --help' ;;
    'config list') echo '--json --keys --no-color -q --quiet -v --verbose -h --help' ;;
    'config path') echo '--no-color -q --quiet -v --verbose -h --help' ;;
    'config edit') echo '--no-color -q --quiet -v --verbose -h --help' ;;
    'config help') echo '--no-color -q --quiet -v --verbose -h --help' ;;
    'approvals') echo '--no-color -q --quiet -v --verbose -h --help' ;;
    'approvals list') echo '--json --no-color -q --quiet -v --verbose -h --help' ;;
    'approvals rm') echo '--where --no-color -q --quiet -v --verbose -h --help' ;;
    'approvals help') echo '--no-color -q --quiet -v --verbose -h --help' ;;
    'mcp') echo '--no-color -q --quiet -v --verbose -h --help' ;;
    'mcp add') echo '--env --url --header --capability --force --no-color -q --quiet -v --verbose -h --help' ;;
    'mcp list') echo '--json --no-color -q --quiet -v --verbose -h --help' ;;
    'mcp remove') echo '--no-color -q --quiet -v --verbose -h --help' ;;
    'mcp help') echo '--no-color -q --quiet -v --verbose -h --help' ;;
    'channels') echo '--no-color -q --quiet -v --verbose -h --help' ;;
    'channels list') echo '--json --no-color -q --quiet -v --verbose -h --help' ;;
    'channels status') echo '--json --no-color -q --quiet -v --verbose -h --help' ;;
    'channels help') echo '--no-color -q --quiet -v --verbose -h --help' ;;
    'pairing') echo '--no-color -q --quiet -v --verbose -h --help' ;;
    'pairing list') echo '--json --no-color -q --quiet -v --verbose -h --help' ;;
    'pairing approve') echo '--no-color -q --quiet -v --verbose -h --help' ;;
    'pairing deny') echo '--no-color -q --quiet -v --verbose -h --help' ;;
    'pairing help') echo '--no-color -q --quiet -v --verbose -h --help' ;;
    'doctor') echo '--fix --json --no-color -q --quiet -v --verbose -h --help' ;;
    'security') echo '--no-color -q --quiet -v --verbose -h --help' ;;
    'security audit') echo '--json --no-color -q --quiet -v --verbose -h --help' ;;
    'security help') echo '--no-color -q --quiet -v --verbose -h --help' ;;
    'completion') echo '--no-color -q --quiet -v --verbose -h --help' ;;
    'init') echo '--no-color -q --quiet -v --verbose -h --help' ;;
    'help') echo '--no-color -q --quiet -v --verbose -h --help' ;;
  esac
}

_openclaw_option_value() { # 'path option' -> what its value is (nothing for a flag)
  case $1 in
    'chat -r'|'chat --resume') echo '@sessions' ;;
    'chat --provider') echo '@none' ;;
    'chat -m'|'chat --model') echo '@none' ;;
    'chat --approval') echo '=read-only,ask,auto-edit,full' ;;
    'chat --allow') echo '@none' ;;
    'chat --deny') echo '@none' ;;
    'chat --sandbox') echo '=off,bwrap,auto' ;;
    'chat --max-turns') echo '@none' ;;
    'chat --output-format') echo '=text,json,stream-json' ;;
    'chat --remote') echo '@none' ;;
    'serve --host') echo '@none' ;;
    'serve --port') echo '@none' ;;
    'serve start --host') echo '@none' ;;
    'serve start --port') echo '@none' ;;
    'serve logs -n'|'serve logs --lines') echo '@none' ;;
    'serve install --host') echo '@none' ;;
    'serve install --port') echo '@none' ;;
    'skill install --name') echo '@none' ;;
    'skill install --path') echo '@none' ;;
    'skill install --ref') echo '@none' ;;
    'skill new --dir') echo '@dirs' ;;
    'session export --format') echo '=md,jsonl' ;;
    'session export -o'|'session export --output') echo '@files' ;;
    'session compact --focus') echo '@none' ;;
    'memory search --limit') echo '@none' ;;
    'approvals rm --where') echo '@none' ;;
    'mcp add --env') echo '@none' ;;
    'mcp add --url') echo '@none' ;;
    'mcp add --header') echo '@none' ;;
    'mcp add --capability') echo '=read,write,exec,network' ;;
  esac
}

_openclaw_arguments() { # command path -> its arguments in order (* before one that repeats)
  case $1 in
    'chat') echo '*@none' ;;
    'skill install') echo '@files' ;;
    'skill info') echo '@skills' ;;
    'skill remove') echo '@installed-skills' ;;
    'skill new') echo '@none' ;;
    'skill help') echo '=install,list,info,remove,check,verify,new' ;;
    'session show') echo '@sessions' ;;
    'session export') echo '@sessions' ;;
    'session import') echo '@files' ;;
    'session rm') echo '@sessions' ;;
    'session fork') echo '@sessions' ;;
    'session compact') echo '@sessions' ;;
    'session help') echo '=list,show,export,import,rm,fork,compact' ;;
    'memory add') echo '*@none' ;;
    'memory search') echo '*@none' ;;
    'memory rm') echo '@none' ;;
    'memory help') echo '=add,search,list,rm,reindex' ;;
    'config get') echo '@config-keys' ;;
    'config set') echo '@config-keys @none' ;;
    'config unset') echo '@config-keys' ;;
    'config help') echo '=get,set,unset,list,path,edit' ;;
    'approvals rm') echo '@none' ;;
    'approvals help') echo '=list,rm' ;;
    'mcp add') echo '@none *@commands' ;;
    'mcp remove') echo '@none' ;;
    'mcp help') echo '=add,list,remove' ;;
    'channels help') echo '=list,status' ;;
    'pairing approve') echo '@none @none' ;;
    'pairing deny') echo '@none @none' ;;
    'pairing help') echo '=list,approve,deny' ;;
    'security help') echo '=audit' ;;
    'completion') echo '=bash,zsh,fish' ;;
    'help') echo '=chat,serve,skill,session,memory,config,approvals,mcp,channels,pairing,doctor,security,completion,init' ;;
  esac
}

_openclaw_complete_value() { # @kind or =choice,choice -> COMPREPLY
  case $1 in
    =*) local choices=${1#=}; mapfile -t COMPREPLY < <(compgen -W "${choices//,/ }" -- "$cur") ;;
    @files) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
    @dirs) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -d -- "$cur") ;;
    @commands) mapfile -t COMPREPLY < <(compgen -c -- "$cur") ;;
    @none | '') COMPREPLY=() ;;
    @*) mapfile -t COMPREPLY < <(compgen -W "$(_openclaw_values "${1#@}")" -- "$cur") ;;
  esac
}

_openclaw() {
  local cur=${COMP_WORDS[COMP_CWORD]} path='' word value='' args=0 dashdash=0 i=1
  COMPREPLY=()
  while ((i < COMP_CWORD)); do
    word=${COMP_WORDS[i]}
    if ((dashdash)); then
      ((args++))
    elif [[ $word == -- ]]; then
      dashdash=1
    elif [[ $word == -* ]]; then
      if [[ $word != *=* ]]; then
        value=$(_openclaw_option_value "${path:+$path }$word")
        if [[ -n $value ]]; then
          ((i + 1 == COMP_CWORD)) && { _openclaw_complete_value "$value"; return; }
          ((i++))
        fi
      fi
    elif ((args == 0)) && [[ " $(_openclaw_commands "$path") " == *" $word "* ]]; then
      path=${path:+$path }$word
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
  local n=${#specs[@]} spec=''
  if ((args < n)); then
    spec=${specs[args]}
  elif ((n > 0)) && [[ ${specs[n - 1]} == '*'* ]]; then
    spec=${specs[n - 1]}
  fi
  _openclaw_complete_value "${spec#\*}"
}

complete -F _openclaw openclaw
