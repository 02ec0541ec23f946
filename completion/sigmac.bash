# bash completion for sigmac: commands, targets, formats (those of the command or target given),
# mappings, checks and files. Installed to share/bash-completion/completions/sigmac; or, from a
# clone: source completion/sigmac.bash
_sigmac_formats() {
  local word command="" target=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=${COMP_WORDS[i]}
    case $word in
      convert|lint|check|test|prove) [[ $i -eq 1 ]] && command=${word/check/lint} ;;
      -t|--target) target=${COMP_WORDS[i+1]} ;;
    esac
  done
  case $command/$target in
    lint/*) echo "text json sarif junit" ;;
    test/*) echo "text json junit" ;;
    prove/*) echo "text json" ;;
    */eql|*/kql) echo "default kibana-ndjson" ;;
    */spl) echo "default savedsearches" ;;
    *) echo "default" ;;
  esac
}

_sigmac() {
  local cur prev
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=${COMP_WORDS[COMP_CWORD-1]}
  case $prev in
    -t|--target)
      COMPREPLY=($(compgen -W "eql kql spl sigma navigator ir" -- "$cur")); return ;;
    -p|--pipeline)
      COMPREPLY=($(compgen -W "ecs_windows splunk_windows splunk_cim" -- "$cur")
                 $(compgen -f -X '!*.@(yml|yaml)' -- "$cur")); return ;;
    -f|--format)
      COMPREPLY=($(compgen -W "$(_sigmac_formats)" -- "$cur")); return ;;
    --from)
      COMPREPLY=($(compgen -W "sigma eql kql spl elastic" -- "$cur")); return ;;
    --syntax)
      COMPREPLY=($(compgen -W "elasticsearch endgame" -- "$cur")); return ;;
    list)
      COMPREPLY=($(compgen -W "targets formats pipelines checks" -- "$cur")); return ;;
    --output-dir)
      COMPREPLY=($(compgen -d -- "$cur")); return ;;
    -o|--output|--events|--expect|--placeholders|--index-mapping)
      COMPREPLY=($(compgen -f -- "$cur")); return ;;
  esac
  if [[ $COMP_CWORD -eq 1 && $cur != -* ]]; then
    COMPREPLY=($(compgen -W "convert lint check test prove list" -- "$cur") $(compgen -f -- "$cur"))
    return
  fi
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "-t --target -p --pipeline -f --format -o --output --output-dir -q
      --quiet -s --skip-unsupported --fail-unsupported --from --events --expect --index-mapping --placeholders --syntax --werror --help
      --version" -- "$cur"))
    return
  fi
  COMPREPLY=($(compgen -f -- "$cur"))
}
complete -o filenames -o bashdefault -F _sigmac sigmac
