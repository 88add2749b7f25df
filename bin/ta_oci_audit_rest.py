# TA-oci-audit's REST endpoints (ta_oci_audit/account_check, ta_oci_audit/secrets, and any later one) on
# Splunk's own Python 3, standard library only. All logic stays in the add-on's executable: this handler
# picks the executable of the platform splunkd runs on and hands it each request as it came.
#
# How splunkd runs it (restmap.conf.spec, [script:<uniqueName>]): scripttype = persist starts a persistent
# process "that uses the protocol from persistconn/appserver.py"; without a driver setting the driver is that
# appserver.py on the Python that python.version names. appserver.py (Splunk Enterprise
# lib/python3.7/site-packages/splunk/persistconn/appserver.py) loads the file that `script` names from the app's
# bin/, takes its one class derived from splunk.persistconn.application.PersistentServerConnectionApplication,
# creates it with (command_line, command_arg) and calls handle(in_bytes) with splunkd's request JSON (bytes);
# a dict that handle returns is sent back JSON-encoded as {status, payload, headers} (persistconn/packet.py
# write()). Its stdout is that protocol's channel: nothing here prints.
#
# Per request: `<app>/<platform>/bin/oci_audit[.exe] --rest-request`, the request JSON on stdin (it carries the
# caller's session key and, for secrets, the private key: never argv), the reply JSON read from stdout. The
# executable's stderr (its log lines, which never hold a secret: docs/contract.md) is passed to this
# process's stderr, which splunkd writes to splunkd.log. When the executable is missing, cannot start,
# crashes, answers nonsense or takes longer than TIMEOUT_S, the reply is HTTP 5xx with one sentence, as
# {"error": "...", "messages": [{"type": "ERROR", "text": "..."}]} (the second is splunkd's own error shape,
# which the setup page reads).
import json
import os
import subprocess
import sys

from splunk.persistconn.application import PersistentServerConnectionApplication

EXECUTABLE = "oci_audit"
REQUEST_ARG = "--rest-request"
# Splunk Web gives up on splunkd after splunkdConnectionTimeout, default 30 s (web.conf.spec); the connection
# check stops itself after 20 s (src/rest/account-check.ts CHECK_DEADLINE_MS), so 25 s leaves room for the
# executable's start and still answers before Splunk Web gives up.
TIMEOUT_S = 25
# bounds on what one request may write to splunkd.log
MAX_STDERR_LINES = 200
MAX_LINE_CHARS = 2000

# Splunk's per-platform folders, as build/package/package.mjs lays them out. Apple silicon Macs run the
# x86_64 build through Rosetta 2 unless a darwin_arm64 one is shipped.
PLATFORM_DIRS = {
    ("linux", "x86_64"): ["linux_x86_64"],
    ("windows", "x86_64"): ["windows_x86_64"],
    ("darwin", "x86_64"): ["darwin_x86_64"],
    ("darwin", "arm64"): ["darwin_arm64", "darwin_x86_64"],
}
PLATFORM_NAMES = {"linux": "Linux", "windows": "Windows", "darwin": "macOS"}
SUPPORTED = "Linux x86_64, Windows x86_64 and macOS"


def os_name(sys_platform):
    if sys_platform.startswith("linux"):
        return "linux"
    if sys_platform in ("win32", "cygwin"):
        return "windows"
    if sys_platform == "darwin":
        return "darwin"
    return sys_platform


def arch_name(machine):
    m = (machine or "").lower()
    if m in ("x86_64", "amd64", "x64"):
        return "x86_64"
    if m in ("arm64", "aarch64"):
        return "arm64"
    return m


def app_dir():
    """The app's folder: this file is <app>/bin/ta_oci_audit_rest.py."""
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def executable_candidates(app, sys_platform=None, machine=None):
    """(platform label, [paths to try in order]) for the platform given, else the one this runs on."""
    import platform as _platform

    osn = os_name(sys_platform if sys_platform is not None else sys.platform)
    arch = arch_name(machine if machine is not None else _platform.machine())
    label = "%s %s" % (PLATFORM_NAMES.get(osn, osn), arch or "(unknown architecture)")
    exe = EXECUTABLE + (".exe" if osn == "windows" else "")
    dirs = PLATFORM_DIRS.get((osn, arch), [])
    return label, [os.path.join(app, d, "bin", exe) for d in dirs]


def error_reply(status, sentence):
    body = {"error": sentence, "messages": [{"type": "ERROR", "text": sentence}]}
    return {"status": status, "payload": json.dumps(body), "headers": {"Content-Type": "application/json"}}


def relative(path, app):
    return os.path.relpath(path, app).replace(os.sep, "/")


def forward_stderr(data):
    """The executable's log lines, bounded, to this process's stderr (splunkd.log)."""
    if not data:
        return
    lines = data.decode("utf-8", "replace").splitlines()
    for line in lines[:MAX_STDERR_LINES]:
        sys.stderr.write(line[:MAX_LINE_CHARS] + "\n")
    if len(lines) > MAX_STDERR_LINES:
        sys.stderr.write("ta_oci_audit REST: %d more lines from the executable not shown\n" % (len(lines) - MAX_STDERR_LINES))
    sys.stderr.flush()


def run_request(executable, request, app, timeout=None):
    """Runs `executable --rest-request` with the request on stdin; its reply as a dict, or a 5xx error reply."""
    name = relative(executable, app)
    flags = 0x08000000 if os.name == "nt" else 0  # CREATE_NO_WINDOW: no console window on Windows
    try:
        proc = subprocess.Popen(
            [executable, REQUEST_ARG],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=app,
            creationflags=flags,
        )
    except OSError as e:
        return error_reply(500, "The add-on's executable %s could not be started: %s." % (name, e.strerror or e))
    limit = TIMEOUT_S if timeout is None else timeout
    try:
        out, err = proc.communicate(request, timeout=limit)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        forward_stderr(err)
        return error_reply(504, "The add-on's executable %s did not answer within %s s and was stopped." % (name, limit))
    forward_stderr(err)
    code = proc.returncode
    if code != 0:
        how = "was stopped by signal %d" % -code if code < 0 else "exited with code %d" % code
        return error_reply(502, "The add-on's executable %s %s without an answer." % (name, how))
    try:
        reply = json.loads(out.decode("utf-8"))
    except ValueError:
        return error_reply(502, "The add-on's executable %s answered something that is not JSON." % name)
    if not isinstance(reply, dict) or not isinstance(reply.get("status"), int) or not isinstance(reply.get("payload"), str):
        return error_reply(502, "The add-on's executable %s answered without a status and payload." % name)
    headers = reply.get("headers") if isinstance(reply.get("headers"), dict) else {}
    return {"status": reply["status"], "payload": reply["payload"], "headers": headers}


def dispatch(request, app=None, sys_platform=None, machine=None, timeout=None):
    """One request (bytes or str, splunkd's JSON, passed on unread): the platform's executable's reply."""
    app = app or app_dir()
    data = request if isinstance(request, bytes) else str(request).encode("utf-8")
    label, candidates = executable_candidates(app, sys_platform, machine)
    if not candidates:
        return error_reply(501, "TA-oci-audit has no executable for %s; its REST endpoints run on %s." % (label, SUPPORTED))
    for path in candidates:
        if os.path.isfile(path):
            return run_request(path, data, app, timeout)
    return error_reply(
        500,
        "The add-on's executable for %s (%s) is missing; reinstall TA-oci-audit." % (label, relative(candidates[0], app)),
    )


class TaOciAuditRest(PersistentServerConnectionApplication):
    """The one handler class appserver.py looks for (restmap.conf: handler = ta_oci_audit_rest.TaOciAuditRest)."""

    def __init__(self, command_line=None, command_arg=None):
        PersistentServerConnectionApplication.__init__(self)

    def handle(self, in_bytes):
        try:
            return dispatch(in_bytes)
        except Exception as e:  # the handler answers, whatever happened
            sys.stderr.write("ta_oci_audit REST: unexpected %s\n" % type(e).__name__)
            return error_reply(500, "The add-on's REST handler failed unexpectedly (%s)." % type(e).__name__)

    def done(self):
        pass
