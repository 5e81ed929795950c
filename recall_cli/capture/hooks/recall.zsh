# recall shell hook for zsh. Load it from ~/.zshrc with:
#     eval "$(recall init zsh)"
# Before a command it only notes the time and directory; after it, one detached background
# process records the command (redacted) into the spool. Nothing reaches the prompt's path.
# RECALL_DISABLE=1 pauses recording; a command starting with a space is never recorded.
if [[ -o interactive && -z ${__recall_hooked-} ]]; then
typeset -g __recall_hooked=1
zmodload zsh/datetime 2>/dev/null
typeset -g __recall_python=@PYTHON@
typeset -g __recall_code=@CODE@
typeset -g __recall_session
printf -v __recall_session '%x-%x-%04x' "${EPOCHSECONDS:-$SECONDS}" "$$" "$RANDOM"
typeset -g __recall_start= __recall_cwd= __recall_cmd=

__recall_preexec() {
    __recall_cmd=$1
    __recall_start=${EPOCHREALTIME:-$SECONDS}
    __recall_cwd=$PWD
}

__recall_precmd() {
    local __recall_status=$? __recall_end=${EPOCHREALTIME:-$SECONDS}
    if [[ -n $__recall_start && ${RECALL_DISABLE-} != 1 ]]; then
        # a subshell, so that $! and the job table stay the user's
        ("$__recall_python" @FLAGS@ -c "$__recall_code" --shell zsh \
            --status "$__recall_status" --start "$__recall_start" --end "$__recall_end" \
            --cwd "$__recall_cwd" --session "$__recall_session" \
            <<<"$__recall_cmd" >/dev/null 2>&1 &)
    fi
    __recall_start=
    __recall_cmd=
}

autoload -Uz add-zsh-hook
add-zsh-hook preexec __recall_preexec
add-zsh-hook precmd __recall_precmd
fi
