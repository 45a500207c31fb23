"""Starts a real kgd for end-to-end tests and loads the demo graph into it.

kgd listens on 127.0.0.1 port 0 with a fresh data directory; its bound port is
read from a FIFO given as --port_file, so the test waits exactly until kgd is
serving (no sleeps, no fixed ports). stop() sends SIGTERM and waits.
"""
import os
import signal
import subprocess
import tempfile
import threading

START_TIMEOUT_S = 60  # a hang guard only; kgd normally starts in well under a second


class Kgd:
    def __init__(self, kgd_binary, extra_flags=()):
        self.tmp = tempfile.TemporaryDirectory(prefix="kg-e2e-")
        self.data_dir = os.path.join(self.tmp.name, "data")
        fifo = os.path.join(self.tmp.name, "port")
        os.mkfifo(fifo)
        self.log_path = os.path.join(self.tmp.name, "kgd.log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [kgd_binary, "--listen=127.0.0.1:0", "--data_dir=" + self.data_dir,
             "--port_file=" + fifo, "--grace_period=2", *extra_flags],
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


def load_demo(kg_binary, addr, root):
    demo = os.path.join(root, "tools", "demo", "idlib.jsonl")
    out = subprocess.run([kg_binary, "--addr", addr, "--principal", "e2e", "import", demo,
                          "--json"], capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        raise RuntimeError("kg import failed (%d): %s" % (out.returncode, out.stderr))
    return out.stdout
