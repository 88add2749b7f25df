# bin/ta_oci_audit_rest.py (the REST handler on Splunk's Python) on Linux: per platform it runs the file that
# platform's folder holds, with the real Linux executable (OCI_AUDIT_TEST_EXE) standing in under each
# platform's file name and the platform given instead of detected; and each way the executable can fail.
# Run by test/unit/rest-dispatcher.test.ts: python3 test/unit/python/test_ta_oci_audit_rest.py -v
import json
import os
import shutil
import stat
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
# the test stand-in for Splunk's splunk.persistconn (never packaged)
sys.path.insert(0, os.path.join(ROOT, "test", "emulators", "splunkd", "python"))
sys.path.insert(0, os.path.join(ROOT, "bin"))

import ta_oci_audit_rest as rest  # noqa: E402

REAL_EXE = os.environ.get("OCI_AUDIT_TEST_EXE")
REQUEST = {
    "method": "GET",
    "rest_path": "/ta_oci_audit/no_such_endpoint",
    "session": {"user": "admin", "authtoken": "SESSION-KEY-must-stay-off-argv"},
    "payload": "private_key=-----BEGIN+PRIVATE+KEY-----secret",
}


def place(app, rel, source=None, script=None):
    """Puts an executable at app/rel: a link to `source`, or a /bin/sh script."""
    path = os.path.join(app, *rel.split("/"))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if source:
        os.symlink(os.path.abspath(source), path)
        return path
    else:
        with open(path, "w") as f:
            f.write("#!/bin/sh\n" + script + "\n")
    os.chmod(path, 0o755)
    return path


class PlatformDispatch(unittest.TestCase):
    """The real executable answers under each platform's name: it must be the one that runs."""

    def setUp(self):
        if not REAL_EXE:
            self.skipTest("OCI_AUDIT_TEST_EXE is not set")
        self.app = tempfile.mkdtemp(prefix="ta-rest-")

    def tearDown(self):
        shutil.rmtree(self.app, ignore_errors=True)

    def check(self, sys_platform, machine, rel):
        place(self.app, rel, REAL_EXE)
        reply = rest.dispatch(json.dumps(REQUEST).encode(), self.app, sys_platform, machine)
        self.assertEqual(reply["status"], 404, reply)
        # the executable's own router answered (src/rest/handler.ts): "Not Found: <path>"
        self.assertIn("Not Found: /ta_oci_audit/no_such_endpoint", json.loads(reply["payload"])["messages"][0]["text"])

    def test_linux_x86_64(self):
        self.check("linux", "x86_64", "linux_x86_64/bin/oci_audit")

    def test_windows_amd64(self):
        self.check("win32", "AMD64", "windows_x86_64/bin/oci_audit.exe")

    def test_macos_intel(self):
        self.check("darwin", "x86_64", "darwin_x86_64/bin/oci_audit")

    def test_macos_apple_silicon_runs_the_x86_64_build(self):
        self.check("darwin", "arm64", "darwin_x86_64/bin/oci_audit")

    def test_this_host(self):
        # no override: Linux x86_64 here
        place(self.app, "linux_x86_64/bin/oci_audit", REAL_EXE)
        reply = rest.dispatch(json.dumps(REQUEST), self.app)
        self.assertEqual(reply["status"], 404, reply)


class Choice(unittest.TestCase):
    def setUp(self):
        self.app = tempfile.mkdtemp(prefix="ta-rest-")
        for d in ("linux_x86_64", "windows_x86_64", "darwin_x86_64", "darwin_arm64"):
            exe = "oci_audit.exe" if d.startswith("windows") else "oci_audit"
            reply = json.dumps({"status": 200, "payload": d, "headers": {}})
            place(self.app, d + "/bin/" + exe, script="cat >/dev/null; printf '%s' '" + reply + "'")

    def tearDown(self):
        shutil.rmtree(self.app, ignore_errors=True)

    def test_each_platform_its_folder(self):
        cases = [
            ("linux", "x86_64", "linux_x86_64"),
            ("linux2", "amd64", "linux_x86_64"),
            ("win32", "AMD64", "windows_x86_64"),
            ("cygwin", "x86_64", "windows_x86_64"),
            ("darwin", "x86_64", "darwin_x86_64"),
            ("darwin", "arm64", "darwin_arm64"),  # a native build wins when shipped
        ]
        for sys_platform, machine, folder in cases:
            reply = rest.dispatch(b"{}", self.app, sys_platform, machine)
            self.assertEqual(reply["payload"], folder, (sys_platform, machine, reply))

    def test_no_build_for_the_platform(self):
        for sys_platform, machine, label in [("linux", "aarch64", "Linux arm64"), ("freebsd13", "amd64", "freebsd13 x86_64")]:
            reply = rest.dispatch(b"{}", self.app, sys_platform, machine)
            self.assertEqual(reply["status"], 501)
            body = json.loads(reply["payload"])
            self.assertIn("has no executable for " + label, body["error"])
            self.assertEqual(body["messages"][0]["text"], body["error"])


class Failures(unittest.TestCase):
    def setUp(self):
        self.app = tempfile.mkdtemp(prefix="ta-rest-")

    def tearDown(self):
        shutil.rmtree(self.app, ignore_errors=True)

    def reply(self, script=None, timeout=None):
        if script is not None:
            place(self.app, "linux_x86_64/bin/oci_audit", script=script)
        r = rest.dispatch(json.dumps(REQUEST).encode(), self.app, "linux", "x86_64", timeout)
        self.assertEqual(r["headers"].get("Content-Type"), "application/json")
        return r["status"], json.loads(r["payload"])["error"]

    def test_missing(self):
        status, error = self.reply()
        self.assertEqual(status, 500)
        self.assertEqual(error, "The add-on's executable for Linux x86_64 (linux_x86_64/bin/oci_audit) is missing; reinstall TA-oci-audit.")

    def test_not_executable(self):
        place(self.app, "linux_x86_64/bin/oci_audit", script="exit 0")
        os.chmod(os.path.join(self.app, "linux_x86_64", "bin", "oci_audit"), stat.S_IRUSR)
        status, error = self.reply()
        self.assertEqual(status, 500)
        self.assertIn("linux_x86_64/bin/oci_audit could not be started: Permission denied", error)

    def test_crash(self):
        status, error = self.reply("cat >/dev/null; echo 'FATAL boom' >&2; exit 3")
        self.assertEqual((status, error), (502, "The add-on's executable linux_x86_64/bin/oci_audit exited with code 3 without an answer."))

    def test_killed(self):
        status, error = self.reply("kill -9 $$")
        self.assertEqual((status, error), (502, "The add-on's executable linux_x86_64/bin/oci_audit was stopped by signal 9 without an answer."))

    def test_timeout(self):
        t0 = time.monotonic()
        status, error = self.reply("exec sleep 30", timeout=0.5)
        self.assertLess(time.monotonic() - t0, 5)
        self.assertEqual((status, error), (504, "The add-on's executable linux_x86_64/bin/oci_audit did not answer within 0.5 s and was stopped."))

    def test_not_json(self):
        status, error = self.reply("cat >/dev/null; echo '<html>'")
        self.assertEqual((status, error), (502, "The add-on's executable linux_x86_64/bin/oci_audit answered something that is not JSON."))

    def test_json_without_status(self):
        status, error = self.reply("cat >/dev/null; echo '{\"payload\": \"x\"}'")
        self.assertEqual((status, error), (502, "The add-on's executable linux_x86_64/bin/oci_audit answered without a status and payload."))


class Secrets(unittest.TestCase):
    """The session key and a private key travel on stdin only; argv is the mode alone."""

    def test_stdin_not_argv(self):
        app = tempfile.mkdtemp(prefix="ta-rest-")
        try:
            seen = os.path.join(app, "seen")
            place(
                app,
                "linux_x86_64/bin/oci_audit",
                script='printf "%s\\n" "$@" > "' + seen + '.argv"; cat > "' + seen + '.stdin"; '
                + "echo 'INFO a log line' >&2; printf '%s' '{\"status\": 201, \"payload\": \"{}\"}'",
            )
            data = json.dumps(REQUEST).encode()
            real_stderr = sys.stderr
            sys.stderr = captured = _Capture()
            try:
                reply = rest.dispatch(data, app, "linux", "x86_64")
            finally:
                sys.stderr = real_stderr
            self.assertEqual(reply, {"status": 201, "payload": "{}", "headers": {}})
            with open(seen + ".argv") as f:
                self.assertEqual(f.read(), "--rest-request\n")
            with open(seen + ".stdin", "rb") as f:
                self.assertEqual(f.read(), data)
            self.assertEqual(captured.text, "INFO a log line\n")
        finally:
            shutil.rmtree(app, ignore_errors=True)


class _Capture(object):
    def __init__(self):
        self.text = ""

    def write(self, s):
        self.text += s

    def flush(self):
        pass


class HandlerClass(unittest.TestCase):
    """What appserver.py calls: the one PersistentServerConnectionApplication subclass, handle(bytes) -> dict."""

    def test_one_handler_class(self):
        found = [
            c
            for c in vars(rest).values()
            if isinstance(c, type)
            and c.__name__ != "PersistentServerConnectionApplication"
            and any(m.__name__ == "PersistentServerConnectionApplication" for m in c.mro())
        ]
        self.assertEqual([c.__name__ for c in found], ["TaOciAuditRest"])

    def test_handle_answers_a_dict_even_when_dispatch_fails(self):
        h = rest.TaOciAuditRest([], None)
        original = rest.dispatch
        rest.dispatch = lambda _: 1 / 0
        real_stderr = sys.stderr
        sys.stderr = _Capture()
        try:
            reply = h.handle(b"{}")
        finally:
            rest.dispatch = original
            sys.stderr = real_stderr
        self.assertEqual(reply["status"], 500)
        self.assertIn("failed unexpectedly (ZeroDivisionError)", json.loads(reply["payload"])["error"])


if __name__ == "__main__":
    unittest.main()
