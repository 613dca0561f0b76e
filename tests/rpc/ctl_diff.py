"""Python's supervisorctl 4.3.0 against a supervisord: every command of spec 5.3 in one
sequence, each recorded as normalised output + exit code. Run as

    python ctl_diff.py <scenario> --dir D --port P --sock S --conf C --venv V
"""

import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Recorder, DEADLINE  # noqa: E402
from xmlrpc_diff import INITIAL  # noqa: E402

_STATUS_DATE = re.compile(r'[A-Z][a-z]{2} \d\d \d\d:\d\d [AP]M')


class Ctl:
    def __init__(self, r):
        self.r = r
        self.exe = os.path.join(r.env.venv, 'bin', 'supervisorctl')
        self.seen = {}

    def label(self, text):
        n = self.seen.get(text, 0) + 1
        self.seen[text] = n
        return text if n == 1 else '%s (#%d)' % (text, n)

    def argv(self, args, extra=()):
        return [self.exe, '-c', self.r.env.conf] + list(extra) + args.split()

    def run(self, args, label=None, extra=(), normalise=None):
        p = subprocess.run(self.argv(args, extra), stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=DEADLINE, cwd=self.r.env.dir)
        out = p.stdout.decode('utf-8', 'backslashreplace')
        err = p.stderr.decode('utf-8', 'backslashreplace')
        if normalise:
            out = normalise(out)
        out = _STATUS_DATE.sub('<date>', out)
        self.r.emit(self.label(label or 'supervisorctl %s' % args),
                    {'stdout': out, 'stderr': err, 'exit': p.returncode})

    def follow(self, args, want, label=None):
        """`tail -f`-like commands: read until `want` shows (bounded), then interrupt."""
        p = subprocess.Popen(self.argv(args), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, cwd=self.r.env.dir)
        os.set_blocking(p.stdout.fileno(), False)
        got = b''
        deadline = time.time() + 5
        while time.time() < deadline and want.encode() not in got:
            if p.poll() is not None:
                break
            try:
                chunk = p.stdout.read()
            except BlockingIOError:
                chunk = None
            if chunk:
                got += chunk
            time.sleep(0.05)
        if p.poll() is None:
            p.send_signal(signal.SIGINT)
        try:
            rest, err = p.communicate(timeout=DEADLINE)
        except subprocess.TimeoutExpired:
            p.kill()
            rest, err = p.communicate()
        got += rest or b''
        self.r.emit(self.label(label or 'supervisorctl %s' % args), {
            'saw': want in got.decode('utf-8', 'replace'),
            'first_line': got.decode('utf-8', 'replace').split('\n')[0],
            'stderr': err.decode('utf-8', 'replace').split('\n')[0]})


def _drop_partial_first_line(text):
    # maintail shows the last 1600 bytes: where that cut falls depends on pid lengths
    return text.split('\n', 1)[1] if '\n' in text else ''


def commands(r):
    c = Ctl(r)
    for args in ['status', 'status cat', 'status nosuch', 'status grp:nosuch',
                 'status nosuchgrp:*', 'status grp:*', 'status cat idle',
                 'start', 'start idle', 'start idle', 'start nosuch', 'start missing',
                 'start notexec', 'start quick', 'start nosuchgrp:*', 'start grp:*',
                 'stop', 'stop idle', 'stop idle', 'stop nosuch', 'stop nosuchgrp:*',
                 'restart', 'restart idle', 'stop idle',
                 'signal', 'signal HUP', 'signal HUP sleeper', 'signal BOGUS sleeper',
                 'signal HUP idle', 'signal HUP grp:*', 'signal USR1 all',
                 'pid', 'pid sleeper', 'pid idle', 'pid nosuch', 'pid all',
                 'tail printer', 'tail printer stderr', 'tail -3 printer', 'tail printer bogus',
                 'tail nosuch', 'tail idle', 'tail -f', 'tail -2 binary',
                 'clear nosuch', 'clear grp:*',
                 'maintail -f -x', 'maintail bogus',
                 'avail', 'version', 'version x', 'avail x', 'reread x', 'help status',
                 'foo', 'reread']:
        r.learn_pids()
        c.run(args)
    # the stops of a group complete in an order that depends on timing, in 4.3 too
    c.run('restart grp:*', normalise=lambda t: '\n'.join(sorted(t.splitlines())))
    c.follow('tail -f printer', 'before')
    c.follow('tail -f printer stderr', 'err')
    c.follow('tail -f nosuch', 'Press Ctrl-C')
    c.follow('maintail -f', 'Press Ctrl-C')
    c.run('maintail', normalise=_drop_partial_first_line)
    c.run('maintail -200', normalise=_drop_partial_first_line)
    # last of the tails: 4.3 logs a traceback for the HTTP 500 of this one (spec §11.10), so
    # the main logs differ from here on
    c.run('tail binary')
    c.run('clear printer')
    c.run('tail printer')
    c.run('clear all')
    # reread / update / add / remove with an edited config
    with open(r.env.conf) as f:
        text = f.read()
    with open(r.env.conf, 'w') as f:
        f.write(text.replace('[program:quick]', '[program:quick_gone]')
                .replace('command=%(here)s/sleeper.sh sleeper',
                         'command=%(here)s/sleeper.sh sleeper changed')
                + '\n[program:added]\ncommand=%(here)s/sleeper.sh added\nstartsecs=0\n')
    for args in ['reread', 'avail', 'update nosuch', 'update', 'status', 'add nosuch',
                 'add added', 'remove added', 'stop added', 'remove added', 'remove nosuch',
                 'add added', 'reread', 'update all', 'remove quick_gone']:
        r.learn_pids()
        c.run(args)
    with open(r.env.conf, 'a') as f:
        f.write('\n[program:broken\n')
    c.run('reread', label='supervisorctl reread (syntax error)')
    c.run('update', label='supervisorctl update (syntax error)')
    with open(r.env.conf, 'w') as f:
        f.write(text)
    c.run('shutdown x')
    c.run('reload x')
    c.run('reload')
    deadline = time.time() + DEADLINE
    while time.time() < deadline:
        try:
            if r.states() == INITIAL:
                break
        except Exception:  # noqa: BLE001 -- down while restarting
            pass
        time.sleep(0.05)
    r.learn_pids()
    c.run('status', label='supervisorctl status after reload')
    c.run('shutdown')
    deadline = time.time() + DEADLINE
    while time.time() < deadline and os.path.exists(r.env.sock):
        time.sleep(0.05)
    c.run('shutdown', label='supervisorctl shutdown when down')
    c.run('status', label='supervisorctl status when down')


SCENARIOS = {'commands': commands}


def main():
    r = Recorder(sys.argv[2:])
    r.wait_states('initial states', INITIAL)
    SCENARIOS[sys.argv[1]](r)


if __name__ == '__main__':
    main()
