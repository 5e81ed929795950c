# recall shell hook for bash. Load it from ~/.bashrc with:
#     eval "$(recall init bash)"
# Before a command it only notes the time and directory; after it, one detached background
# process records the command (redacted) into the spool. Nothing reaches the prompt's path.
# RECALL_DISABLE=1 pauses recording; a command starting with a space is never recorded.
# It uses a DEBUG trap and both ends of PROMPT_COMMAND. Use eval as above: a DEBUG trap set
# earlier (bash-preexec, a prompt framework) is then kept and runs first; bash hides it
# from a file read with `source`.
if [[ $- == *i* && -z ${__recall_hooked-} ]]; then
__recall_hooked=1
__recall_python=@PYTHON@
__recall_code=@CODE@
printf -v __recall_session '%x-%x-%04x' "${EPOCHSECONDS:-$SECONDS}" "$$" "$RANDOM"
__recall_start=
__recall_cwd=
__recall_armed=
__recall_histcmd=
__recall_histon=1
__recall_seen=

__recall_preexec() {
    # the first simple command after a prompt: take a timestamp, nothing else
    [[ -n $__recall_armed && -z ${COMP_LINE-} ]] || return 0
    # (Ctrl-R's picker runs through bind -x, which trips the trap too)
    case $BASH_COMMAND in __recall_precmd* | __recall_arm* | __recall_pick*) return 0 ;; esac
    __recall_armed=
    __recall_start=${EPOCHREALTIME:-$SECONDS}
    __recall_cwd=$PWD
    __recall_seen=$BASH_COMMAND
}

__recall_repeat() {
    # HISTCONTROL=ignoredups (Ubuntu's default ignoreboth) adds no entry for a command that
    # repeats the last one, yet it ran: the DEBUG trap saw a command whose words open the
    # last entry (word by word: the trap's text has single spaces) and reach at least to its
    # first ; & or | (the trap sees a line's first simple command whole). What is recorded is
    # that entry, never the command the trap saw, so a line starting with a space (or one
    # HISTIGNORE hides) is never recorded, nor taken for a repeat of an entry it only opens:
    # " git status" after "git status --short" ran, but not the entry.
    [[ -n ${__recall_seen-} ]] || return 1
    local __recall_last __recall_i
    local -a __recall_was __recall_now __recall_first
    __recall_last=$(HISTTIMEFORMAT= builtin history 1)
    [[ $__recall_last =~ ^[[:space:]]*[0-9]+[*]?[[:space:]]+(.*)$ ]] || return 1
    read -ra __recall_was <<<"${BASH_REMATCH[1]}"
    read -ra __recall_first <<<"${BASH_REMATCH[1]%%[;&|]*}"
    read -ra __recall_now <<<"$__recall_seen"
    (( ${#__recall_now[@]} && ${#__recall_now[@]} <= ${#__recall_was[@]} )) || return 1
    (( ${#__recall_now[@]} >= ${#__recall_first[@]} )) || return 1
    for ((__recall_i = 0; __recall_i < ${#__recall_now[@]}; __recall_i++)); do
        [[ ${__recall_was[__recall_i]} == "${__recall_now[__recall_i]}" ]] || return 1
    done
}

__recall_precmd() {
    local __recall_status=$? __recall_end=${EPOCHREALTIME:-$SECONDS}
    # A new history entry means a command line ran. (A line starting with a space under
    # HISTCONTROL=ignorespace never gets one; the recorder drops it in any case.) A line
    # the DEBUG trap never saw, like "(exit 3)", gets the prompt time as its start.
    # `set +o history` hides what follows from the history, so from recall too (HISTCMD still
    # counts, and `history 1` would give the `set` line again)
    if [[ -n $__recall_histcmd && ${RECALL_DISABLE-} != 1 && -n $__recall_histon && -o history ]] &&
        { [[ $HISTCMD != "$__recall_histcmd" ]] || __recall_repeat; }; then
        # one fork here; the subshell's child expands history and runs Python. The
        # subshell keeps the job table and $! as they were.
        ("$__recall_python" @FLAGS@ -c "$__recall_code" --shell bash --history \
            --status "$__recall_status" --start "${__recall_start:-$__recall_end}" \
            --end "$__recall_end" --cwd "${__recall_cwd:-$PWD}" --session "$__recall_session" \
            <<<"$(HISTTIMEFORMAT= builtin history 1)" >/dev/null 2>&1 &)
    fi
    __recall_histcmd=$HISTCMD
    if [[ -o history ]]; then __recall_histon=1; else __recall_histon=; fi
    __recall_start=
    __recall_seen=
    __recall_cwd=
    __recall_armed=  # armed by __recall_arm, last: what PROMPT_COMMAND runs after us is no command
    __recall_keep_last
    return "$__recall_status"
}

__recall_arm() { __recall_armed=1; }

__recall_keep_last() {
    # an rc file may add to PROMPT_COMMAND after loading this: arm after what it appends
    # ("history -a"), and read the command's status before what it puts first
    # (PROMPT_COMMAND="history -a; history -n; $PROMPT_COMMAND" would hand us `history`'s 0),
    # from the next prompt on
    if [[ $(declare -p PROMPT_COMMAND 2>/dev/null) == "declare -a"* ]]; then
        [[ ${PROMPT_COMMAND[0]} == __recall_precmd &&
            ${PROMPT_COMMAND[${#PROMPT_COMMAND[@]}-1]} == __recall_arm ]] && return 0
        local -a __recall_kept=()
        local __recall_item
        for __recall_item in "${PROMPT_COMMAND[@]}"; do
            [[ $__recall_item == __recall_arm || $__recall_item == __recall_precmd ]] ||
                __recall_kept+=("$__recall_item")
        done
        PROMPT_COMMAND=(__recall_precmd "${__recall_kept[@]}" __recall_arm)
    elif [[ $PROMPT_COMMAND != "__recall_precmd;"* || $PROMPT_COMMAND != *";__recall_arm" ]]; then
        local __recall_rest=${PROMPT_COMMAND//;__recall_arm/}
        __recall_rest=${__recall_rest//__recall_precmd;/}
        __recall_rest=${__recall_rest//__recall_precmd/}
        # (an empty command between two ;s is a syntax error)
        while [[ $__recall_rest == [[:space:]\;]* ]]; do __recall_rest=${__recall_rest#?}; done
        while [[ $__recall_rest == *[[:space:]\;] ]]; do __recall_rest=${__recall_rest%?}; done
        PROMPT_COMMAND="__recall_precmd;${__recall_rest:+$__recall_rest;}__recall_arm"
    fi
}

# The trap passes "$_" as its last word, so $_ is again what the user's command left
# (`mkdir -p d && cd $_`). (A command substitution sees the DEBUG trap only under functrace.)
if [[ -o functrace ]]; then
    __recall_prev_debug=$(trap -p DEBUG)
else
    set -o functrace; __recall_prev_debug=$(trap -p DEBUG); set +o functrace
fi
if [[ -n $__recall_prev_debug ]]; then
    # keep a DEBUG trap installed earlier (bash-preexec, a prompt framework): it runs first,
    # seeing its own $_ and $?, then ours, which puts back the $_ it may have changed
    __recall_grab() { __recall_prev_debug=$2; }
    eval "__recall_grab ${__recall_prev_debug#trap }"
    __recall_keep() { __recall_lastarg=$2; return "$1"; }
    trap '__recall_keep "$?" "$_"'$'\n'"$__recall_prev_debug"$'\n''__recall_preexec "$__recall_lastarg"' DEBUG
else
    trap '__recall_preexec "$_"' DEBUG
fi
# (as an rc file's later additions are kept: "_pyenv_virtualenv_hook;" ends in a ; of its own)
__recall_keep_last
fi
