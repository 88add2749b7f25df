// Entry point of the oci_audit modular input executable (stub; replaced by the real CLI).
process.stdout.write('<scheme><title>OCI Audit</title></scheme>\n');
