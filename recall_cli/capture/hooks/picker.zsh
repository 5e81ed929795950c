# Ctrl-R: recall's history picker. It puts the chosen command on the prompt line to edit;
# it never runs it. RECALL_NO_CTRL_R=1 (when this is loaded) keeps zsh's own Ctrl-R.
if [[ -o interactive && ${RECALL_NO_CTRL_R-} != 1 && -z ${__recall_picker-} ]]; then
typeset -g __recall_picker=@PICK@
__recall_pick() {
    local __recall_out
    if [[ ! -x $__recall_python ]]; then
        # recall's Python is gone (moved, uninstalled): Ctrl-R is zsh's own search again
        bindkey -M emacs '^R' history-incremental-search-backward
        bindkey -M viins '^R' history-incremental-search-backward
        zle history-incremental-search-backward
        return
    fi
    __recall_out=$("$__recall_python" @FLAGS@ -c "$__recall_picker" --query "$BUFFER" \
        --cwd "$PWD" --session "${__recall_session-}" </dev/tty)
    if [[ $? -eq 0 ]]; then
        BUFFER=$__recall_out
        CURSOR=${#BUFFER}
    fi
    zle reset-prompt
}
zle -N __recall_pick
bindkey -M emacs '^R' __recall_pick
bindkey -M viins '^R' __recall_pick
fi
