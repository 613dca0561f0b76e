"""Calls every XML-RPC method of supervisord 4.3 (spec 3.5, 3.8) with good and bad arguments
and prints the normalised outcomes, one line per step. Run as

    python xmlrpc_diff.py <scenario> --dir D --port P --sock S

against a supervisord started on the config of `tests/rpc/configs.rs` (programs named there).
The same script runs against Python's supervisord and ours; the Rust test compares.
"""

import os
import sys
import time
import xmlrpc.client

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Recorder, raw_exchange, summarise_response, http_connection, DEADLINE  # noqa: E402

INITIAL = {
    'cat:cat': 'RUNNING', 'sleeper:sleeper': 'RUNNING', 'printer:printer': 'RUNNING',
    'binary:binary': 'RUNNING', 'idle:idle': 'STOPPED', 'missing:missing': 'STOPPED',
    'notexec:notexec': 'STOPPED', 'quick:quick': 'STOPPED', 'multi:multi_0': 'RUNNING',
    'multi:multi_1': 'RUNNING', 'grp:ga': 'RUNNING', 'grp:gb': 'STOPPED',
    'stubborn:stubborn': 'RUNNING', 'closer:closer': 'RUNNING',
}

NAMES = ['cat', 'sleeper', 'printer', 'binary', 'idle', 'missing', 'notexec', 'quick',
         'multi:multi_0', 'multi_0', 'grp:ga', 'ga', 'grp', 'grp:', 'grp:*', 'nosuch',
         'nosuch:', 'grp:nosuch', ':', '', 'stubborn', 'closer']

BAD_METHODS = [
    'nosuch', 'supervisor.nosuch', 'system.nosuch', 'nosuch.getState', 'supervisor',
    'supervisor.', '.getState', 'supervisor.getState.extra', 'supervisor._rpcinterface',
    'supervisor.__init__', 'supervisor._update', 'system._listMethods', '_supervisor.getState',
    'supervisor.supervisord.options.execve',
    'supervisor.supervisord.options.warnings.linecache.os.system',
    'supervisor.supervisord.getSupervisorVersion', 'system.multicall.__call__',
    'SUPERVISOR.GETSTATE', 'supervisor.getstate', 'supervisor.getState ', ' supervisor.getState',
]


def sorted_results(outcome):
    """Group/all results complete in an order that depends on timing: compare sorted."""
    if 'ok' in outcome and isinstance(outcome['ok'], list):
        return {'ok_sorted': sorted(outcome['ok'], key=lambda r: (r.get('group'), r.get('name')))}
    return outcome


def call_sorted(r, label, method, *args):
    outcome = r.raw_call('tcp', method, args)
    r.emit(label, sorted_results(outcome))


def introspection(r):
    methods = r.call('listMethods', 'system.listMethods', both=True).get('ok', [])
    for m in methods:
        r.call('methodHelp %s' % m, 'system.methodHelp', m, both=True)
        r.call('methodSignature %s' % m, 'system.methodSignature', m, both=True)
    for m in ['nosuch', 'supervisor.nosuch', '', 'supervisor._rpcinterface']:
        r.call('methodHelp %r' % m, 'system.methodHelp', m)
        r.call('methodSignature %r' % m, 'system.methodSignature', m)
    r.call('methodHelp no args', 'system.methodHelp')
    r.call('methodHelp two args', 'system.methodHelp', 'a', 'b')
    r.call('methodHelp int', 'system.methodHelp', 1)
    r.call('methodSignature no args', 'system.methodSignature')
    r.call('listMethods extra arg', 'system.listMethods', 1)
    for m in BAD_METHODS:
        r.call('unknown method %r' % m, m, both=True)
        r.call('unknown method %r with args' % m, m, 'x', 1)


def identity(r):
    for m in ['getAPIVersion', 'getVersion', 'getSupervisorVersion', 'getIdentification',
              'getState', 'getPID']:
        r.call(m, 'supervisor.' + m, both=True)
        r.call(m + ' extra arg', 'supervisor.' + m, 'x')
        r.call(m + ' two extra args', 'supervisor.' + m, 1, 2)
    r.call('sendRemoteCommEvent', 'supervisor.sendRemoteCommEvent', 'type', 'data')
    r.call('sendRemoteCommEvent unicode', 'supervisor.sendRemoteCommEvent', 't\u00e9', 'd\u00e9')
    r.call('sendRemoteCommEvent one arg', 'supervisor.sendRemoteCommEvent', 'type')
    r.call('sendRemoteCommEvent ints', 'supervisor.sendRemoteCommEvent', 1, 2)
    # our two extra methods (supervisord's FATAL state), unknown to 4.3
    for m in ['supervisor.clearFatal', 'supervisor.getFatalReasons']:
        r.call(m, m)
        r.call('methodHelp %s' % m, 'system.methodHelp', m)


def info(r):
    for name in NAMES:
        r.call('getProcessInfo %r' % name, 'supervisor.getProcessInfo', name, both=True)
    r.call('getProcessInfo int', 'supervisor.getProcessInfo', 1)
    r.call('getProcessInfo no args', 'supervisor.getProcessInfo')
    r.call('getProcessInfo two args', 'supervisor.getProcessInfo', 'cat', 'cat')
    r.call('getAllProcessInfo', 'supervisor.getAllProcessInfo', both=True)
    r.call('getAllProcessInfo extra arg', 'supervisor.getAllProcessInfo', 'x')
    r.call('getAllConfigInfo', 'supervisor.getAllConfigInfo', both=True)
    r.call('getAllConfigInfo extra arg', 'supervisor.getAllConfigInfo', 'x')


def start_stop(r):
    r.call('start running', 'supervisor.startProcess', 'cat')
    r.call('start nosuch', 'supervisor.startProcess', 'nosuch')
    r.call('start nosuch group', 'supervisor.startProcess', 'nosuch:*')
    r.call('start missing', 'supervisor.startProcess', 'missing')
    r.call('start notexec', 'supervisor.startProcess', 'notexec')
    r.call('start quick', 'supervisor.startProcess', 'quick')
    r.wait_states('after start quick', {'quick:quick': 'FATAL'})
    r.call('start quick again (FATAL)', 'supervisor.startProcess', 'quick', False)
    r.wait_states('after start quick nowait', {'quick:quick': 'FATAL'})
    r.call('start idle', 'supervisor.startProcess', 'idle')
    r.call('info idle running', 'supervisor.getProcessInfo', 'idle')
    r.call('stop idle', 'supervisor.stopProcess', 'idle')
    r.call('info idle stopped', 'supervisor.getProcessInfo', 'idle')
    r.call('start idle nowait', 'supervisor.startProcess', 'idle', False)
    r.wait_states('idle running', {'idle:idle': 'RUNNING'})
    r.call('stop idle nowait', 'supervisor.stopProcess', 'idle', False)
    r.wait_states('idle stopped', {'idle:idle': 'STOPPED'})
    r.call('stop idle again', 'supervisor.stopProcess', 'idle')
    r.call('stop nosuch', 'supervisor.stopProcess', 'nosuch')
    r.call('stop missing (never started)', 'supervisor.stopProcess', 'missing')
    r.call('start wait as int', 'supervisor.startProcess', 'idle', 0)
    r.wait_states('idle running after int wait', {'idle:idle': 'RUNNING'})
    r.call('start wait as string', 'supervisor.startProcess', 'idle', 'no')
    r.call('stop wait as string', 'supervisor.stopProcess', 'idle', 'yes')
    r.wait_states('idle stopped after string wait', {'idle:idle': 'STOPPED'})
    r.call('start no args', 'supervisor.startProcess')
    r.call('start three args', 'supervisor.startProcess', 'idle', True, 1)
    r.call('start int name', 'supervisor.startProcess', 5)
    r.call('stop no args', 'supervisor.stopProcess')
    # groups
    r.call('start grp:* (ga running)', 'supervisor.startProcess', 'grp:*')
    r.call('start grp again', 'supervisor.startProcessGroup', 'grp')
    call_sorted(r, 'stop grp', 'supervisor.stopProcessGroup', 'grp')
    r.call('stop grp again', 'supervisor.stopProcessGroup', 'grp')
    r.call('start grp nowait', 'supervisor.startProcessGroup', 'grp', False)
    r.wait_states('grp running', {'grp:ga': 'RUNNING', 'grp:gb': 'RUNNING'})
    r.call('stop grp: nowait', 'supervisor.stopProcess', 'grp:', False)
    r.wait_states('grp stopped', {'grp:ga': 'STOPPED', 'grp:gb': 'STOPPED'})
    r.call('start grp:ga', 'supervisor.startProcess', 'grp:ga')
    r.call('start ga (bare, BAD_NAME)', 'supervisor.startProcess', 'ga')
    r.call('startProcessGroup nosuch', 'supervisor.startProcessGroup', 'nosuch')
    r.call('stop nosuch group', 'supervisor.stopProcessGroup', 'nosuch')
    r.call('start group with process spec', 'supervisor.startProcessGroup', 'grp:ga')
    r.call('start group no args', 'supervisor.startProcessGroup')
    r.call('stop multi:multi_1', 'supervisor.stopProcess', 'multi:multi_1')
    r.call('start multi:*', 'supervisor.startProcess', 'multi:*')
    # stubborn ignores TERM: stopwaitsecs, then KILL
    r.call('stop stubborn', 'supervisor.stopProcess', 'stubborn')
    r.call('info stubborn', 'supervisor.getProcessInfo', 'stubborn')
    # all
    call_sorted(r, 'stopAll', 'supervisor.stopAllProcesses')
    r.wait_states('all stopped', {})
    r.call('stopAll again', 'supervisor.stopAllProcesses')
    call_sorted(r, 'startAll', 'supervisor.startAllProcesses')
    r.wait_states('after startAll', {'cat:cat': 'RUNNING', 'quick:quick': 'FATAL'})
    r.call('startAll again nowait', 'supervisor.startAllProcesses', False)
    r.call('stopAll nowait', 'supervisor.stopAllProcesses', False)
    r.wait_states('all stopped nowait', dict((k, 'STOPPED') for k in [
        'cat:cat', 'sleeper:sleeper', 'grp:ga', 'stubborn:stubborn', 'multi:multi_0']))
    r.call('startAll extra arg', 'supervisor.startAllProcesses', True, 1)


def signals(r):
    for sig in ['HUP', 'SIGHUP', 'hup', 'sighup', '1', 'USR1', '0', 'KILL0', 'BOGUS', '', '999',
                '-1', ' HUP', 'SIG', 'SIGUSR2']:
        r.call('signal sleeper %r' % sig, 'supervisor.signalProcess', 'sleeper', sig)
    r.call('signal sleeper int 1', 'supervisor.signalProcess', 'sleeper', 1)
    r.call('signal idle (stopped)', 'supervisor.signalProcess', 'idle', 'HUP')
    r.call('signal idle bogus', 'supervisor.signalProcess', 'idle', 'BOGUS')
    r.call('signal nosuch', 'supervisor.signalProcess', 'nosuch', 'HUP')
    r.call('signal nosuch bogus', 'supervisor.signalProcess', 'nosuch', 'BOGUS')
    r.call('signal grp:*', 'supervisor.signalProcess', 'grp:*', 'HUP')
    r.call('signalGroup grp', 'supervisor.signalProcessGroup', 'grp', 'USR1')
    r.call('signalGroup grp bogus', 'supervisor.signalProcessGroup', 'grp', 'BOGUS')
    r.call('signalGroup nosuch', 'supervisor.signalProcessGroup', 'nosuch', 'HUP')
    r.call('signalAll', 'supervisor.signalAllProcesses', 'USR2')
    r.call('signalAll bogus', 'supervisor.signalAllProcesses', 'BOGUS')
    r.call('signalAll no args', 'supervisor.signalAllProcesses')
    r.call('signal one arg', 'supervisor.signalProcess', 'sleeper')
    r.wait_states('states unchanged by signals', INITIAL)


def logs(r):
    whole = r.raw_call('tcp', 'supervisor.readLog', (0, 0)).get('ok', '')
    r.emit('readLog whole (normalised lines)', {'lines': [
        line for line in whole.splitlines()
        # the order of a few startup lines is not part of the protocol
    ]})
    for off, ln in [(0, 10), (5, 5), (-20, 0), (-100000, 0), (0, 100000), (10 ** 6, 0),
                    (10 ** 6, 10), (len(whole.encode()), 0)]:
        out = r.raw_call('tcp', 'supervisor.readLog', (off, ln))
        if 'ok' in out:
            data = out['ok'].encode()
            start = off if off >= 0 else max(0, len(whole.encode()) + off)
            want = whole.encode()[start:start + ln] if ln else whole.encode()[start:]
            r.emit('readLog(%d, %d)' % (off, ln), {'len': len(data), 'is_slice': data == want})
        else:
            r.emit('readLog(%d, %d)' % (off, ln), out)
    for args in [(-1, 5), (0, -1), (-1, -1), ('a', 0), (0,), (), (0, 0, 0)]:
        r.call('readLog%r' % (args,), 'supervisor.readLog', *args)
    r.call('readMainLog(-5, 0) length', 'supervisor.readMainLog', 0, 10)
    r.call('readMainLog(-1, 2)', 'supervisor.readMainLog', -1, 2)
    # process logs: printer wrote "before" to stdout and "err" to stderr
    for off, ln in [(0, 0), (0, 3), (2, 2), (-3, 0), (-100, 0), (100, 0), (6, 0), (5, 100),
                    (-1, 1), (0, -1), (2 ** 31 - 1, 1)]:
        r.call('readProcessStdoutLog printer %d %d' % (off, ln),
               'supervisor.readProcessStdoutLog', 'printer', off, ln)
        r.call('readProcessStderrLog printer %d %d' % (off, ln),
               'supervisor.readProcessStderrLog', 'printer', off, ln)
    r.call('readProcessLog alias', 'supervisor.readProcessLog', 'printer', 0, 0)
    r.call('readProcessStdoutLog nosuch', 'supervisor.readProcessStdoutLog', 'nosuch', 0, 0)
    r.call('readProcessStdoutLog grp:', 'supervisor.readProcessStdoutLog', 'grp:', 0, 0)
    r.call('readProcessStdoutLog idle (AUTO, never started)',
           'supervisor.readProcessStdoutLog', 'idle', 0, 0)
    r.call('readProcessStderrLog cat (AUTO)', 'supervisor.readProcessStderrLog', 'cat', 0, 0)
    r.call('readProcessStderrLog binary (none: redirect)',
           'supervisor.readProcessStderrLog', 'binary', 0, 0)
    r.call('readProcessStdoutLog missing (never started)',
           'supervisor.readProcessStdoutLog', 'missing', 0, 0)
    r.call('readProcessStdoutLog binary valid prefix',
           'supervisor.readProcessStdoutLog', 'binary', 0, 2)
    r.call('readProcessStdoutLog binary invalid utf-8',
           'supervisor.readProcessStdoutLog', 'binary', 0, 0)
    r.call('tailProcessStdoutLog binary invalid utf-8',
           'supervisor.tailProcessStdoutLog', 'binary', 0, 100)
    r.call('readProcessStdoutLog two args', 'supervisor.readProcessStdoutLog', 'printer', 0)
    r.call('readProcessStdoutLog str offset', 'supervisor.readProcessStdoutLog', 'printer', 'x', 0)
    for off, ln in [(0, 3), (0, 100), (6, 100), (1000, 100), (0, 0), (3, 0), (-1, 5), (-100, 0),
                    (0, -1), (2 ** 31 - 1, 2 ** 31 - 1), (5, 1), (-3, 2)]:
        r.call('tailProcessStdoutLog printer %d %d' % (off, ln),
               'supervisor.tailProcessStdoutLog', 'printer', off, ln)
        r.call('tailProcessStderrLog printer %d %d' % (off, ln),
               'supervisor.tailProcessStderrLog', 'printer', off, ln)
    r.call('tailProcessLog alias', 'supervisor.tailProcessLog', 'printer', 0, 100)
    r.call('tailProcessStdoutLog idle', 'supervisor.tailProcessStdoutLog', 'idle', 0, 100)
    r.call('tailProcessStdoutLog nosuch', 'supervisor.tailProcessStdoutLog', 'nosuch', 0, 100)
    r.call('tailProcessStdoutLog grp:', 'supervisor.tailProcessStdoutLog', 'grp:', 0, 100)
    r.call('tailProcessStderrLog binary (none)', 'supervisor.tailProcessStderrLog', 'binary', 0, 10)
    # integers past int32 in the request (the Python client refuses to send them: raw body)
    for body in [_call_xml('supervisor.readProcessStdoutLog',
                           '<string>printer</string>', '<int>99999999999</int>', '<int>0</int>'),
                 _call_xml('supervisor.tailProcessStdoutLog',
                           '<string>printer</string>', '<int>0</int>', '<i8>5</i8>')]:
        r.emit('raw %s' % body[60:140].decode(), _post_rpc(r.env, body))
    # clearing
    r.call('clearProcessLogs printer', 'supervisor.clearProcessLogs', 'printer')
    r.call('read printer after clear', 'supervisor.readProcessStdoutLog', 'printer', 0, 0)
    r.call('read printer stderr after clear', 'supervisor.readProcessStderrLog', 'printer', 0, 0)
    r.call('tail printer after clear', 'supervisor.tailProcessStdoutLog', 'printer', 0, 10)
    r.call('clearProcessLog alias cat', 'supervisor.clearProcessLog', 'cat')
    r.call('clearProcessLogs nosuch', 'supervisor.clearProcessLogs', 'nosuch')
    r.call('clearProcessLogs grp:', 'supervisor.clearProcessLogs', 'grp:')
    r.call('clearProcessLogs idle (no file yet)', 'supervisor.clearProcessLogs', 'idle')
    r.call('clearProcessLogs no args', 'supervisor.clearProcessLogs')
    r.call('clearAllProcessLogs', 'supervisor.clearAllProcessLogs')
    r.call('clearAllProcessLogs extra', 'supervisor.clearAllProcessLogs', 1)
    r.call('clearLog', 'supervisor.clearLog')
    r.call('readLog after clearLog', 'supervisor.readLog', 0, 0)
    r.call('clearLog extra', 'supervisor.clearLog', 1)
    r.value('main log exists after clearLog', os.path.exists(os.path.join(r.env.dir,
                                                                          'supervisord.log')))


def _call_xml(method, *params):
    ps = ''.join('<param><value>%s</value></param>' % p for p in params)
    return ("<?xml version='1.0'?>\n<methodCall>\n<methodName>%s</methodName>\n"
            "<params>%s</params>\n</methodCall>\n" % (method, ps)).encode()


def _post_rpc(env, body, transport='tcp', extra_headers=b''):
    req = (b'POST /RPC2 HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\n' +
           extra_headers + b'Content-Length: %d\r\nConnection: close\r\n\r\n' % len(body) + body)
    return summarise_response(raw_exchange(env, transport, req))


def stdin(r):
    r.call('send cat', 'supervisor.sendProcessStdin', 'cat', 'hello\n')
    _wait_log(r, 'cat', 'hello\n')
    r.call('send cat unicode', 'supervisor.sendProcessStdin', 'cat', 'h\u00e9llo\n')
    _wait_log(r, 'cat', 'hello\nh\u00e9llo\n')
    r.call('send cat base64', 'supervisor.sendProcessStdin', 'cat', xmlrpc.client.Binary(b'bin\n'))
    _wait_log(r, 'cat', 'hello\nh\u00e9llo\nbin\n')
    r.call('send cat empty', 'supervisor.sendProcessStdin', 'cat', '')
    r.call('send cat int', 'supervisor.sendProcessStdin', 'cat', 5)
    r.call('send cat list', 'supervisor.sendProcessStdin', 'cat', ['a'])
    r.call('send nosuch', 'supervisor.sendProcessStdin', 'nosuch', 'x')
    r.call('send grp:', 'supervisor.sendProcessStdin', 'grp:', 'x')
    r.call('send idle (stopped)', 'supervisor.sendProcessStdin', 'idle', 'x')
    r.call('send closer (stdin closed)', 'supervisor.sendProcessStdin', 'closer', 'x\n')
    r.call('send closer again', 'supervisor.sendProcessStdin', 'closer', 'x\n')
    r.call('send one arg', 'supervisor.sendProcessStdin', 'cat')
    r.call('send three args', 'supervisor.sendProcessStdin', 'cat', 'a', 'b')


def _wait_log(r, name, want):
    deadline = time.time() + DEADLINE
    while True:
        out = r.raw_call('tcp', 'supervisor.readProcessStdoutLog', (name, 0, 0))
        if out.get('ok') == want or time.time() > deadline:
            break
        time.sleep(0.05)
    r.emit('log of %s after send: %r' % (name, want), out)


def multicall(r):
    calls = [
        {'methodName': 'supervisor.getAPIVersion', 'params': []},
        {'methodName': 'supervisor.getProcessInfo', 'params': ['nosuch']},
        {'methodName': 'nosuch', 'params': []},
        {'methodName': 'supervisor.supervisord.options.execve', 'params': []},
        {'params': []},
        {'methodName': 'system.multicall', 'params': [[]]},
        {'methodName': 'supervisor.startProcess', 'params': ['idle', False]},
        {'methodName': 'supervisor.stopProcess', 'params': ['nosuch']},
        {'methodName': 'supervisor.getAPIVersion'},
        {'methodName': 'supervisor.getState', 'params': [1, 2]},
        {'methodName': 'supervisor.startProcess', 'params': ['missing']},
        {'methodName': 'supervisor.stopProcessGroup', 'params': ['nosuch']},
        {'methodName': 'system.listMethods', 'params': []},
        {'methodName': 'supervisor.readLog', 'params': [-1, 1]},
    ]
    r.call('multicall mixed', 'system.multicall', calls)
    r.call('multicall empty', 'system.multicall', [])
    r.call('multicall not a list', 'system.multicall', 'x')
    r.call('multicall list of ints', 'system.multicall', [1, 2])
    r.call('multicall params not a list', 'system.multicall',
           [{'methodName': 'supervisor.getProcessInfo', 'params': 'cat'}])
    r.call('multicall methodName int', 'system.multicall', [{'methodName': 5, 'params': []}])
    r.call('multicall no args', 'system.multicall')
    r.wait_states('after multicalls', {'idle:idle': 'RUNNING'})


def multicall_deferred(r):
    """Deferred items (wait=True) inside a multicall: the rest waits for them."""
    r.call('multicall deferred mixed', 'system.multicall', [
        {'methodName': 'supervisor.startProcess', 'params': ['idle']},
        {'methodName': 'supervisor.getProcessInfo', 'params': ['idle']},
        {'methodName': 'supervisor.stopProcess', 'params': ['idle', True]},
        {'methodName': 'supervisor.getAPIVersion', 'params': []},
    ])
    r.call('multicall deferred start', 'system.multicall', [
        {'methodName': 'supervisor.startProcess', 'params': ['quick']},
        {'methodName': 'supervisor.getAPIVersion', 'params': []},
        {'methodName': 'supervisor.startProcessGroup', 'params': ['grp', True]},
    ])
    r.wait_states('after deferred multicalls', {'quick:quick': 'FATAL', 'grp:gb': 'RUNNING',
                                                'idle:idle': 'STOPPED'})


def _edit_config(r, transform):
    with open(r.env.conf) as f:
        text = f.read()
    with open(r.env.conf, 'w') as f:
        f.write(transform(text))


def reload(r):
    r.call('reloadConfig unchanged', 'supervisor.reloadConfig')
    r.call('reloadConfig extra arg', 'supervisor.reloadConfig', 1)
    _edit_config(r, lambda t: t.replace('[program:quick]', '[program:quick_gone]')
                 .replace('command=%(here)s/sleeper.sh sleeper',
                          'command=%(here)s/sleeper.sh sleeper changed')
                 + '\n[program:added]\ncommand=%(here)s/sleeper.sh added\nstartsecs=0\n'
                 + '\n[group:newgrp]\nprograms=added2\n'
                 + '\n[program:added2]\ncommand=%(here)s/sleeper.sh added2\nstartsecs=0\n')
    r.call('reloadConfig edited', 'supervisor.reloadConfig')
    r.call('reloadConfig edited again', 'supervisor.reloadConfig')
    r.call('getAllConfigInfo after reread', 'supervisor.getAllConfigInfo')
    r.call('getAllProcessInfo after reread', 'supervisor.getAllProcessInfo')
    r.call('add added', 'supervisor.addProcessGroup', 'added')
    r.wait_states('added running', {'added:added': 'RUNNING'})
    r.call('add added again', 'supervisor.addProcessGroup', 'added')
    r.call('add nosuch', 'supervisor.addProcessGroup', 'nosuch')
    r.call('add added2 (in newgrp)', 'supervisor.addProcessGroup', 'added2')
    r.call('add newgrp', 'supervisor.addProcessGroup', 'newgrp')
    r.wait_states('newgrp running', {'newgrp:added2': 'RUNNING'})
    r.call('add no args', 'supervisor.addProcessGroup')
    r.call('add int', 'supervisor.addProcessGroup', 1)
    r.call('remove added (running)', 'supervisor.removeProcessGroup', 'added')
    r.call('stop added', 'supervisor.stopProcess', 'added')
    r.call('remove added', 'supervisor.removeProcessGroup', 'added')
    r.call('remove added again', 'supervisor.removeProcessGroup', 'added')
    r.call('remove nosuch', 'supervisor.removeProcessGroup', 'nosuch')
    r.call('remove quick (stopped, gone from config)', 'supervisor.removeProcessGroup', 'quick')
    r.call('remove grp (running)', 'supervisor.removeProcessGroup', 'grp')
    r.call('remove no args', 'supervisor.removeProcessGroup')
    r.call('getAllConfigInfo after add/remove', 'supervisor.getAllConfigInfo')
    r.call('reloadConfig after add/remove', 'supervisor.reloadConfig')
    r.wait_states('states after add/remove', {})
    _edit_config(r, lambda t: t + '\n[program:broken]\ncommand=\n')
    r.call('reloadConfig empty command', 'supervisor.reloadConfig')
    _edit_config(r, lambda t: t.replace('[program:broken]\ncommand=\n', '[program:broken\n'))
    r.call('reloadConfig syntax error', 'supervisor.reloadConfig')
    _edit_config(r, lambda t: t.replace('[program:broken\n', '[program:bad]\ncommand=x\n'
                                        'startsecs=notanumber\n'))
    r.call('reloadConfig bad value', 'supervisor.reloadConfig')


def lifecycle(r):
    """restart (the daemon comes back on the same sockets), then shutdown."""
    r.call('restart extra arg', 'supervisor.restart', 1)
    r.call('shutdown extra arg', 'supervisor.shutdown', 1)
    r.call('restart', 'supervisor.restart', via='tcp')
    deadline = time.time() + DEADLINE
    seen = set()
    while time.time() < deadline:
        out = r.raw_call('tcp', 'supervisor.getState', ())
        kind = 'ok' if 'ok' in out else ('fault %s' % out['fault'][0] if 'fault' in out
                                         else 'down')
        seen.add(kind)
        if 'ok' in out and out['ok']['statename'] == 'RUNNING' and len(seen) > 1:
            break
        time.sleep(0.02)
    # SupervisorTransport keeps its unix connection: the restart closed it
    r.proxies = {t: r.env.proxy(t) for t in ('tcp', 'unix')}
    r.emit('getState after restart', r.raw_call('tcp', 'supervisor.getState', ()))
    r.wait_states('states after restart', INITIAL)
    r.call('shutdown', 'supervisor.shutdown', via='unix')
    # stubborn ignores TERM for stopwaitsecs: the daemon is still serving, shutting down
    r.call('getState while shutting down', 'supervisor.getState', via='tcp')
    r.call('getPID while shutting down', 'supervisor.getPID', via='tcp')
    r.call('shutdown while shutting down', 'supervisor.shutdown', via='tcp')
    r.call('startProcess while shutting down', 'supervisor.startProcess', 'idle', via='tcp')
    r.call('sendRemoteCommEvent while shutting down', 'supervisor.sendRemoteCommEvent', 't', 'd',
           via='tcp')
    r.call('getAPIVersion while shutting down', 'supervisor.getAPIVersion', via='tcp')


def http(r):
    env = r.env
    for t in ('tcp', 'unix'):
        def ex(label, data):
            r.emit('%s %s' % (t, label), summarise_response(raw_exchange(env, t, data)))
        ex('GET /RPC2', b'GET /RPC2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
        ex('POST /RPC2 no length', b'POST /RPC2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n'
           b'\r\n<methodCall/>')
        body = b'this is not xml'
        ex('POST /RPC2 not xml', b'POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n'
           b'Connection: close\r\n\r\n%s' % (len(body), body))
        for label, body in [
                ('no methodName', b'<methodCall><params/></methodCall>'),
                ('empty methodName', b'<methodCall><methodName></methodName></methodCall>'),
                ('no params', b'<methodCall><methodName>supervisor.getAPIVersion'
                              b'</methodName></methodCall>'),
                ('untyped value', _call_xml('system.methodHelp', 'supervisor.getPID')),
                ('i8', _call_xml('system.methodHelp', '<i8>1</i8>')),
                ('nil', _call_xml('system.methodHelp', '<nil/>')),
                ('unknown type', _call_xml('system.methodHelp', '<bogus>1</bogus>')),
                ('base64', _call_xml('system.methodHelp', '<base64>c3VwZXJ2aXNvci5nZXRQSUQ='
                                                          '</base64>')),
                ('double', _call_xml('supervisor.getProcessInfo', '<double>1.5</double>')),
                ('dateTime', _call_xml('system.methodHelp',
                                       '<dateTime.iso8601>20261128T12:00:00</dateTime.iso8601>')),
                ('struct arg', _call_xml('supervisor.getProcessInfo',
                                         '<struct><member><name>a</name><value>b</value>'
                                         '</member></struct>')),
                ('boolean 2', _call_xml('supervisor.startProcess', '<string>cat</string>',
                                        '<boolean>2</boolean>')),
                ('int garbage', _call_xml('supervisor.readLog', '<int>x</int>', '<int>0</int>')),
                ('truncated', b'<methodCall><methodName>supervisor.getPID</methodName><par'),
                ('utf-8 name', _call_xml('supervisor.getProcessInfo',
                                         '<string>\u00e9</string>')),
        ]:
            ex('RPC %s' % label, b'POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n'
               b'Connection: close\r\n\r\n%s' % (len(body), body))
        ex('HEAD /index.html', b'HEAD /index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
        ex('GET /nosuch', b'GET /nosuch HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
        ex('GET /RPC2x', b'GET /RPC2x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
        ex('GET /ok.html', b'GET /ok.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
        ex('PUT /stylesheets/supervisor.css', b'PUT /stylesheets/supervisor.css HTTP/1.1\r\n'
           b'Host: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')
        ex('garbage request line', b'HELLO\r\n\r\n')
        # keep-alive: three calls one after another on one HTTP/1.1 connection
        conn = http_connection(env, t)
        answers = []
        for _ in range(3):
            conn.request('POST', '/RPC2', _call_xml('supervisor.getAPIVersion'),
                         {'Content-Type': 'text/xml'})
            resp = conn.getresponse()
            answers.append([resp.status, resp.read().count(b'<string>3.0')])
        conn.close()
        r.emit('%s keep-alive answers' % t, {'answers': answers})
        # the Connection header of answers (4.3 never echoes 'close')
        body = _call_xml('supervisor.getAPIVersion')
        r.emit('%s Connection header of an answer to Connection: close' % t, summarise_response(
            raw_exchange(env, t, b'POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n'
                         b'Connection: close\r\n\r\n%s' % (len(body), body)),
            with_connection=True)['headers'])
        # HTTP/1.0: closed after the answer
        body = _call_xml('supervisor.getAPIVersion')
        ex('HTTP/1.0 POST', b'POST /RPC2 HTTP/1.0\r\nContent-Length: %d\r\n\r\n%s'
           % (len(body), body))


SCENARIOS = {f.__name__: f for f in [introspection, identity, info, start_stop, signals, logs,
                                     stdin, multicall, multicall_deferred, reload, lifecycle, http]}


def main():
    scenario = sys.argv[1]
    r = Recorder(sys.argv[2:])
    r.wait_states('initial states', INITIAL)
    SCENARIOS[scenario](r)


if __name__ == '__main__':
    main()
