# Test stand-in for splunk.persistconn.application, the interface only: Splunk Enterprise's
# lib/python3.7/site-packages/splunk/persistconn/application.py (public copies of it are quoted in handler
# tests and examples, e.g. splunk/splunk-app-examples custom_endpoints/hello-world/bin/hello_world.py):
# "Virtual class to inherit from to build a 'persistent' handler which can be automatically managed by
# appserver.py"; __init__(self); handle(self, in_bytes) returns a string or a dict ("If a dict was passed in,
# it will automatically be JSON encoded"); handleStream "for future use"; done(self) after the request.


class PersistentServerConnectionApplication(object):
    def __init__(self):
        pass

    def handle(self, in_bytes):
        raise NotImplementedError("PersistentServerConnectionApplication.handle")

    def handleStream(self, handle, in_bytes):
        raise NotImplementedError("PersistentServerConnectionApplication.handleStream")

    def done(self):
        pass
