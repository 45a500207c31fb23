"""Starts a real kgd for end-to-end tests and loads the demo graph into it.

kgd listens on 127.0.0.1 port 0 with a fresh data directory and a fresh
--backup_dir; its bound port is read from a FIFO given as --port_file, so the
test waits exactly until kgd is serving (no sleeps, no fixed ports). stop()
sends SIGTERM and waits.

With roles ({principal: role}) kgd runs with --auth_tokens: the fixture makes
one token per principal with `kg token new` and writes the token file;
tokens[principal] is the token to send.
"""
import json
import os
import signal
import subprocess
import tempfile
import threading

START_TIMEOUT_S = 60  # a hang guard only; kgd normally starts in well under a second
KG_GUARD_S = 60  # a hang guard for each kg run


def new_token(kg_binary, principal, role):
    """`kg token new PRINCIPAL ROLE --json`: {"principal", "role", "token", "line"}."""
    out = subprocess.run([kg_binary, "token", "new", principal, role, "--json"],
                         capture_output=True, text=True, timeout=KG_GUARD_S)
    if out.returncode != 0:
        raise RuntimeError("kg token new failed (%d): %s" % (out.returncode, out.stderr))
    return json.loads(out.stdout)


class Kgd:
    def __init__(self, kgd_binary, kg_binary=None, roles=None, extra_flags=()):
        self.tmp = tempfile.TemporaryDirectory(prefix="kg-e2e-")
        self.data_dir = os.path.join(self.tmp.name, "data")
        self.backup_dir = os.path.join(self.tmp.name, "backups")
        os.mkdir(self.backup_dir)
        flags = ["--backup_dir=" + self.backup_dir]
        self.tokens = {}
        if roles:
            lines = ["# e2e principals: PRINCIPAL ROLE SHA256HEX", ""]
            for principal, role in sorted(roles.items()):
                made = new_token(kg_binary, principal, role)
                self.tokens[principal] = made["token"]
                lines.append(made["line"])
            token_file = os.path.join(self.tmp.name, "tokens")
            with open(token_file, "w") as f:
                f.write("\n".join(lines) + "\n")
            flags.append("--auth_tokens=" + token_file)
        fifo = os.path.join(self.tmp.name, "port")
        os.mkfifo(fifo)
        self.log_path = os.path.join(self.tmp.name, "kgd.log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [kgd_binary, "--listen=127.0.0.1:0", "--http_listen=127.0.0.1:0",
             "--data_dir=" + self.data_dir,
             "--port_file=" + fifo, "--grace_period=2", *flags, *extra_flags],
            stdout=self.log, stderr=subprocess.STDOUT)
        port = []
        reader = threading.Thread(target=lambda: port.append(open(fifo).read().strip()))
        reader.start()
        reader.join(START_TIMEOUT_S)
        if reader.is_alive() or not port or not port[0]:
            # Unblock the reader (kgd never opened the FIFO), then fail.
            with open(fifo, "w"):
                pass
            reader.join()
            self.stop()
            raise RuntimeError("kgd did not start; log:\n" + open(self.log_path).read())
        self.port = int(port[0])
        self.addr = "127.0.0.1:%d" % self.port

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        code = self.proc.returncode
        self.tmp.cleanup()
        return code

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def load_demo(kg_binary, addr, root, token):
    """Imports the demo graph as the principal `token` belongs to."""
    demo = os.path.join(root, "tools", "demo", "idlib.jsonl")
    out = subprocess.run([kg_binary, "--addr", addr, "--token", token, "import", demo, "--json"],
                         capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        raise RuntimeError("kg import failed (%d): %s" % (out.returncode, out.stderr))
    return out.stdout
