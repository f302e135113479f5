import type { Command } from 'commander';

/** Completion scripts generated from the live command tree, so they never drift from `--help`. */
export function completionScript(program: Command, shell: 'bash' | 'zsh'): string {
  const top = program.commands.map((c) => c.name());
  const subs = new Map(program.commands.filter((c) => c.commands.length > 0).map((c) => [c.name(), c.commands.map((s) => s.name())]));
  const globals = program.options.map((o) => o.long).filter((x): x is string => Boolean(x));
  if (shell === 'bash') {
    const cases = [...subs].map(([name, list]) => `    ${name}) COMPREPLY=( $(compgen -W "${list.join(' ')}" -- "$cur") ); return ;;`).join('\n');
    return `# bash completion for passkey-harness / pkh
_passkey_harness() {
  local cur="\${COMP_WORDS[COMP_CWORD]}"
  if [[ "$cur" == -* ]]; then COMPREPLY=( $(compgen -W "${globals.join(' ')} --help" -- "$cur") ); return; fi
  if [[ $COMP_CWORD -eq 1 ]]; then COMPREPLY=( $(compgen -W "${top.join(' ')}" -- "$cur") ); return; fi
  case "\${COMP_WORDS[1]}" in
${cases}
  esac
  COMPREPLY=( $(compgen -f -- "$cur") )
}
complete -F _passkey_harness passkey-harness pkh
`;
  }
  const subCases = [...subs].map(([name, list]) => `      ${name}) _values 'subcommand' ${list.map((s) => `'${s}'`).join(' ')} ;;`).join('\n');
  return `#compdef passkey-harness pkh
_passkey_harness() {
  if (( CURRENT == 2 )); then
    _values 'command' ${top.map((s) => `'${s}'`).join(' ')}
  elif (( CURRENT == 3 )); then
    case $words[2] in
${subCases}
      *) _files ;;
    esac
  else
    _files
  fi
}
compdef _passkey_harness passkey-harness pkh
`;
}
