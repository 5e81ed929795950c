# recall shell hook for fish. Load it from ~/.config/fish/config.fish with:
#     recall init fish | source
# Before a command it only notes the directory; after it, one detached background process
# records the command (redacted) into the spool, with fish's own $CMD_DURATION.
# RECALL_DISABLE=1 or fish --private pauses recording; a command starting with a space is
# never recorded.
if status is-interactive; and not set -q __recall_hooked
    set -g __recall_hooked 1
    set -g __recall_python @PYTHON@
    set -g __recall_code @CODE@
    set -g __recall_session (printf '%x-%x-%04x' $fish_pid (random 0 2147483647) (random 0 65535))
    set -g __recall_cwd $PWD

    function __recall_preexec --on-event fish_preexec
        set -g __recall_cwd $PWD
    end

    function __recall_postexec --on-event fish_postexec
        set -l __recall_status $status
        # fish's set passes on the status it found, unless a command substitution gives one:
        # "set -x PGPASSWORD ..." after a failure did not fail itself
        if string match -qr '^\s*set\s' -- $argv[1]; and not string match -q '*(*' -- $argv[1]
            set __recall_status 0
        end
        set -q fish_private_mode; and return
        test "$RECALL_DISABLE" = 1; and return
        test -n "$argv[1]"; or return
        # sh starts the recorder in the background and exits at once, so fish's job list
        # and $last_pid stay the user's (fd 3: sh points a background job's stdin at
        # /dev/null); nohup, because fish may hang up on exit before Python has started.
        # The end time is read before the recorder starts: Python's start-up, late by a
        # varying amount, had put "sleep 2" before the command run ahead of it. (A date
        # without %N gives no number: the recorder then reads its own clock.)
        printf '%s' $argv[1] | command sh -c \
            'exec 3<&0; e=$(date +%s.%N 2>/dev/null); nohup "$0" "$@" --end "$e" <&3 3<&- >/dev/null 2>&1 &' \
            $__recall_python @FLAGS@ -c $__recall_code --shell fish --status $__recall_status \
            --duration-ms $CMD_DURATION --cwd $__recall_cwd --session $__recall_session
    end
end
