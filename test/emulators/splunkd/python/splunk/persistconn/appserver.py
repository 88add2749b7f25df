# Test stand-in for splunkd's default persistent driver, persistconn/appserver.py (restmap.conf.spec: driver
# "Default: the persistconn/appserver.py server"), written from the behaviour of Splunk Enterprise's
# lib/python3.7/site-packages/splunk/persistconn/{appserver,handle_loop,packet}.py:
# - packets on stdin: an opcode byte (INIT 0x01, BLOCK 0x02, END 0x04, ALLOW_STREAM 0x08; newlines before it
#   skipped); INIT carries "<n>\n", n strings (command) and one string (command_arg, empty = None); BLOCK one
#   string (the request, bytes). A string is "<byte length>\n<bytes>"; empty lines before a count are skipped.
# - INIT: load command[0] (a .py path) once per path, take its one class whose MRO names
#   PersistentServerConnectionApplication, create it with (command[1:], command_arg); answer "" when loaded,
#   else the error text.
# - BLOCK: handle(block); a dict is JSON-encoded (separators ',' ':'), None becomes "".
# - END: done(). stdout carries only these answers, flushed after each packet.
# The real file uses the `imp` module (gone in Python 3.12); this one uses importlib.
import importlib.util
import inspect
import json
import os
import sys


class ProtocolError(Exception):
    pass


def read_line(stream):
    v = b""
    while True:
        c = stream.read(1)
        if not c:
            if v == b"":
                raise EOFError
            return v
        if c == b"\n":
            return v
        v += c


def read_number(stream):
    while True:
        v = read_line(stream)
        if v != b"":
            break
    try:
        n = int(v)
    except ValueError:
        raise ProtocolError('expected non-negative integer, got "%s"' % v)
    if n < 0:
        raise ProtocolError('expected non-negative integer, got "%d"' % n)
    return n


def read_string(stream):
    return stream.read(read_number(stream))


def write(data):
    if isinstance(data, dict):
        data = json.dumps(data, separators=(",", ":"))
    if isinstance(data, str):
        data = data.encode("utf-8")
    sys.stdout.buffer.write(b"%d\n" % len(data))
    sys.stdout.buffer.write(data)


_cache = {}


def load_class(filename):
    if filename in _cache:
        return _cache[filename]
    if not os.path.isfile(filename):
        return None
    dirname, fileonly = os.path.split(filename)
    name = "pschand__" + "".join(c if c.isalnum() else "_" for c in os.path.splitext(fileonly)[0])
    spec = importlib.util.spec_from_file_location(name, filename)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    def is_handler(c):
        return (
            inspect.isclass(c)
            and c.__name__ != "PersistentServerConnectionApplication"
            and any(m.__name__ == "PersistentServerConnectionApplication" for m in c.mro())
        )

    classes = inspect.getmembers(module, is_handler)
    if len(classes) != 1:
        raise NotImplementedError("%s classes implement PersistentServerConnectionApplication" % ("No" if not classes else "More than one"))
    _cache[filename] = classes[0][1]
    return _cache[filename]


def main():
    stdin = sys.stdin.buffer
    current = None
    while True:
        op = stdin.read(1)
        while op == b"\n":
            op = stdin.read(1)
        if not op:
            return
        opcode = op[0]
        try:
            if opcode & 0x01:
                command = [read_string(stdin).decode() for _ in range(read_number(stdin))]
                arg = read_string(stdin)
                arg = arg.decode() if arg else None
                try:
                    cls = load_class(command[0]) if command else None
                    if cls is None:
                        write('Can\'t load script "%s"' % (command[0] if command else ""))
                        current = False
                    else:
                        current = cls.__new__(cls)
                        current.__init__(command[1:], arg)
                        write("")
                except Exception as e:
                    write(str(e))
                    raise
            if opcode & 0x02:
                block = read_string(stdin)
                if current is None:
                    raise ProtocolError("Got block while inactive")
                if current is not False:
                    reply = current.handle(block)
                    write("" if reply is None else reply)
            if opcode & 0x04:
                if current:
                    current.done()
                current = None
        except EOFError:
            return
        sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
