//! The control plane against the real clients: Python's `xmlrpc.client` and `supervisorctl`
//! 4.3.0 run against Python's supervisord 4.3.0 and ours on the same config, outputs compared.
