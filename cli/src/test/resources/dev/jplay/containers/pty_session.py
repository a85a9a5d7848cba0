"""Runs a command on a fresh pseudo-terminal, as a person at a terminal would, and types into it.

argv: DEADLINE_SECONDS CMD... . Waits for a shell prompt, types a command line, waits for its output, types
`exit 5`, then reads to the end. Prints everything the terminal showed; exits with the command's exit status
(90/91: a wait timed out or the terminal closed early, 92: the command did not end).
"""
import os
import pty
import select
import sys
import time

deadline = float(sys.argv[1])
argv = sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(argv[0], argv)

seen = b""


def read_until(tokens, seconds):
    global seen
    end = time.time() + seconds
    while not any(t in seen for t in tokens):
        left = end - time.time()
        if left <= 0:
            sys.stdout.write("TIMEOUT waiting for %r; the terminal showed %r\n" % (tokens, seen))
            os.kill(pid, 9)
            sys.exit(90)
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                data = os.read(fd, 4096)
            except OSError:
                data = b""
            if not data:
                sys.stdout.write("EOF waiting for %r; the terminal showed %r\n" % (tokens, seen))
                sys.exit(91)
            seen += data


started = time.time()
read_until([b"# ", b"$ "], deadline)
sys.stdout.write("PROMPT after %.1f s\n" % (time.time() - started))
# $((6*7)) is expanded by the container's shell: the echo of what was typed never shows "in-42".
os.write(fd, b"echo in-$((6*7)); cat /name; tty\r")
read_until([b"in-42"], deadline)
read_until([b"/dev/pts/"], deadline)
os.write(fd, b"exit 5\r")
end = time.time() + deadline
status = None
while time.time() < end:
    ready, _, _ = select.select([fd], [], [], 0.2)
    if ready:
        try:
            data = os.read(fd, 4096)
        except OSError:
            data = b""
        seen += data
    done, st = os.waitpid(pid, os.WNOHANG)
    if done:
        status = st
        break
sys.stdout.write("TERMINAL:%r\n" % seen)
if status is None:
    os.kill(pid, 9)
    sys.exit(92)
sys.exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 93)
