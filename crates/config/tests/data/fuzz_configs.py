#!/usr/bin/env python3
"""Write random supervisord.conf files into DIR/<n>/ and record each with the corpus driver
(../record.py), for an ad-hoc whole-file differential run of the Rust loader:

    target/py/bin/python crates/config/tests/data/fuzz_configs.py /tmp/fuzz 500 [seed]
    CONFIG_CORPUS_DIR=/tmp/fuzz cargo test -p supervisor-config --test corpus

Cases mix three generators: random key=value lines over every option and awkward values,
structured configs (programs, listeners, fcgi, groups, servers, ctl, rpcinterface) and
[include] layouts. Expect only the deliberate differences listed in the crate README
(e.g. a [ctlplugin:x] factory is never loaded).
"""
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import record  # noqa: E402

KEYS = ['command', 'numprocs', 'numprocs_start', 'process_name', 'priority', 'autostart',
        'autorestart', 'startsecs', 'startretries', 'stopsignal', 'stopwaitsecs', 'stopasgroup',
        'killasgroup', 'exitcodes', 'redirect_stderr', 'stdout_logfile', 'stderr_logfile',
        'stdout_logfile_maxbytes', 'stdout_logfile_backups', 'stdout_capture_maxbytes',
        'stdout_events_enabled', 'stdout_syslog', 'environment', 'directory', 'umask',
        'serverurl', 'user', 'events', 'buffer_size', 'result_handler', 'socket',
        'socket_backlog', 'socket_owner', 'socket_mode', 'programs', 'port', 'file', 'chmod',
        'chown', 'username', 'password', 'logfile', 'logfile_maxbytes', 'logfile_backups',
        'loglevel', 'pidfile', 'nodaemon', 'silent', 'minfds', 'minprocs', 'nocleanup',
        'childlogdir', 'identifier', 'strip_ansi', 'files', 'prompt', 'history_file',
        'supervisor.rpcinterface_factory']
VALUES = ['', '0', '1', '-1', '3', 'true', 'false', 'TERM', 'x y', '%(program_name)s',
          '%(process_num)d', '%(here)s', '%(ENV_HOME)s', '%%', '%', 'AUTO', 'NONE', 'syslog',
          '/tmp/x', '~/x', 'tcp://h:1', 'unix:///tmp/s', 'root', 'nobody', '65534', 'a,b',
          'A=1,B="2 3"', 'TICK_5', '022', '9001', '*:9001', 'é', '1MB', 'x;y', 'a #c',
          '%(host_node_name)s', '%(group_name)s', '%(numprocs)s', 'unexpected', 'KILL',
          'supervisor.rpcinterface:make_main_rpcinterface', 'conf.d/*.conf', 'ü ö', '%s']
SECTIONS = ['supervisord', 'program:a', 'program:b', 'eventlistener:e', 'fcgi-program:f',
            'group:g', 'unix_http_server', 'inet_http_server', 'supervisorctl', 'include',
            'rpcinterface:r', 'DEFAULT', 'program:a b', 'program:ü', 'inet_http_server:two']
INCLUDED = ['[program:a]\ncommand=a %(here)s\n', '[program:a]\nautostart=false\n',
            '[program:b]\ncommand=b\nstdout_logfile=%(here)s/b.log\n', '[DEFAULT]\nd=%(here)s\n',
            '[program:c]\ncommand=%(d)s\n', '[group:g]\nprograms=a\n', 'garbage\n',
            '[supervisord]\nidentifier=%(here)s\n', '[program:e]\ncommand=e\nstartsecs=x\n']


def key_values(rng):
    out = ['[supervisord]'] if rng.random() < 0.9 else []
    for _ in range(rng.randint(1, 6)):
        out.append('[%s]' % rng.choice(SECTIONS))
        if rng.random() < 0.7:
            out.append('command=/bin/x %(process_num)s')
        for _ in range(rng.randint(0, 4)):
            out.append('%s%s%s' % (rng.choice(KEYS), rng.choice(['=', ' = ', ':']), rng.choice(VALUES)))
    return '\n'.join(out) + '\n', {}


def structured(rng):
    out = ['[supervisord]', 'environment=G=1,H="x y"' if rng.random() < 0.3 else '']
    for name in rng.sample(['a', 'b', 'c', 'web', 'x_1'], rng.randint(1, 4)):
        kind = rng.choice(['program', 'program', 'eventlistener', 'fcgi-program'])
        out += ['[%s:%s]' % (kind, name), 'command=/bin/%s %%(process_num)s' % name]
        if rng.random() < 0.5:
            out += ['numprocs=%d' % rng.randint(0, 3), 'process_name=%(program_name)s_%(process_num)02d']
        if kind == 'eventlistener':
            out.append('events=' + rng.choice(['TICK_5', 'PROCESS_STATE,tick_60', 'EVENT']))
        if kind == 'fcgi-program':
            out.append('socket=' + rng.choice(['tcp://localhost:%d' % rng.randint(1, 70000),
                                               'unix:///tmp/%(program_name)s.sock']))
        out.append('priority=%d' % rng.randint(-5, 5))
        if rng.random() < 0.3:
            out.append('environment=X=%(ENV_CORPUS_VAR)s,N=%(process_num)s')
    if rng.random() < 0.3:
        out += ['[group:grp]', 'programs=a,b']
    if rng.random() < 0.3:
        out += ['[unix_http_server]', 'file=%(here)s/s.sock']
    if rng.random() < 0.3:
        out += ['[inet_http_server]', 'port=127.0.0.1:%d' % rng.randint(0, 70000)]
    if rng.random() < 0.3:
        out += ['[supervisorctl]', 'serverurl=unix://%(here)s/s.sock', 'history_file=~/.h']
    return '\n'.join(out) + '\n', {}


def includes(rng):
    main = '[supervisord]\n[include]\nfiles=' + ' '.join(rng.sample(
        ['conf.d/*.conf', 'conf.d/sub/*.ini', '%(here)s/conf.d/?.conf', 'missing/*.x',
         'conf.d/[ab].conf', 'conf.d/sub', 'conf.d/.*.conf'], rng.randint(1, 3))) + '\n'
    files = {}
    for name in rng.sample(['a.conf', 'b.conf', 'c.conf', 'sub/x.ini', '.h.conf'], rng.randint(0, 4)):
        files['conf.d/' + name] = ''.join(rng.choice(INCLUDED) for _ in range(rng.randint(1, 3)))
    return main, files


def main(argv):
    out_dir, count = argv[0], int(argv[1])
    rng = random.Random(int(argv[2]) if len(argv) > 2 else 1)
    for n in range(count):
        case = os.path.join(out_dir, '%04d' % n)
        os.makedirs(os.path.join(case, 'conf.d', 'sub'), exist_ok=True)
        text, files = rng.choice([key_values, structured, includes])(rng)
        with open(os.path.join(case, 'supervisord.conf'), 'w') as f:
            f.write(text)
        for name, body in files.items():
            with open(os.path.join(case, name), 'w') as f:
                f.write(body)
        with open(os.path.join(case, 'expected.json'), 'w') as f:
            f.write(record.render(record.record_case(case)))


if __name__ == '__main__':
    main(sys.argv[1:])
