# Ctrl-R: recall's history picker. It puts the chosen command on the prompt line to edit;
# it never runs it. RECALL_NO_CTRL_R=1 (when this is loaded) keeps fish's own Ctrl-R.
if status is-interactive; and test "$RECALL_NO_CTRL_R" != 1; and not set -q __recall_picker
    set -g __recall_picker @PICK@
    function __recall_pick
        if not test -x "$__recall_python"
            # recall's Python is gone (moved, uninstalled): Ctrl-R is fish's own search again
            set -l own history-search-backward
            contains history-pager (bind --function-names); and set own history-pager
            bind \cr $own
            bind -M insert \cr $own 2>/dev/null
            commandline -f $own
            return
        end
        set -l out ($__recall_python @FLAGS@ -c $__recall_picker --query (commandline) --cwd $PWD \
            --session "$__recall_session" </dev/tty | string collect)
        and commandline -r -- $out
        commandline -f repaint
    end
    bind \cr __recall_pick
    bind -M insert \cr __recall_pick 2>/dev/null
end
