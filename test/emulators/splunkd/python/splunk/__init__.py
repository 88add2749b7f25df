# Test stand-in for the `splunk` package of Splunk's own Python (never packaged): only what the splunkd
# emulator needs to run persistent Python REST handlers (persistconn/).
