# Test stand-in for splunk.persistconn (Splunk Enterprise lib/python3.7/site-packages/splunk/persistconn/).
