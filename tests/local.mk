## Shared test support: the TAP shell library and the real-server harness.
check_SCRIPTS += tests/lib.sh
