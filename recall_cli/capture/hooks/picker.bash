# Ctrl-R: recall's history picker. It puts the chosen command on the prompt line to edit;
# it never runs it. RECALL_NO_CTRL_R=1 (when this is loaded) keeps bash's own Ctrl-R.
if [[ $- == *i* && ${RECALL_NO_CTRL_R-} != 1 && -z ${__recall_picker-} ]]; then
__recall_picker=@PICK@
__recall_pick() {
    local __recall_out
    if [[ ! -x $__recall_python ]]; then
        # recall's Python is gone (moved, uninstalled): Ctrl-R is bash's own search again
        bind -m emacs-standard '"\C-r": reverse-search-history' 2>/dev/null
        bind -m vi-insert '"\C-r": reverse-search-history' 2>/dev/null
        printf '%s\n' "recall: $__recall_python is gone; Ctrl-R is bash's own search again: press it again" >&2
        return 0
    fi
    __recall_out=$("$__recall_python" @FLAGS@ -c "$__recall_picker" --query "$READLINE_LINE" \
        --cwd "$PWD" --session "${__recall_session-}") || return 0
    READLINE_LINE=$__recall_out
    READLINE_POINT=${#READLINE_LINE}
}
bind -m emacs-standard -x '"\C-r": __recall_pick' 2>/dev/null
bind -m vi-insert -x '"\C-r": __recall_pick' 2>/dev/null
fi
