## Shared test support: the TAP shell library (tests/lib.sh), the real-server
## harness (tests/servers: CA, dovecot POP3, aiosmtpd SMTP, demo) and the
## basic functional tests. Modules register their own tNNNN scripts in their
## local.mk with TESTS += and EXTRA_DIST +=.
FOUNDATION_TESTS = \
	tests/func/t0000-basic.sh \
	tests/func/t0001-servers.sh \
	tests/func/t0002-docs.sh \
	tests/func/t0003-registered.sh \
	tests/func/t0005-demo-unsent.sh
TESTS += $(FOUNDATION_TESTS)
EXTRA_DIST += $(FOUNDATION_TESTS) \
	tools/install-deps.sh tools/check.sh tools/demo.sh tools/build-tree.sh \
	tools/stress-check.sh
TESTS += tests/func/t0004-l10n.sh
EXTRA_DIST += tests/func/t0004-l10n.sh
## The layering of src/ (doc/LAYERS, tools/check-layers.sh).
TESTS += tests/func/t0006-layers.sh
EXTRA_DIST += tests/func/t0006-layers.sh tools/check-layers.sh doc/LAYERS
## No function over 120 lines without a reason (tools/check-functions.sh).
TESTS += tests/func/t0007-functions.sh
EXTRA_DIST += tests/func/t0007-functions.sh tools/check-functions.sh
## The store's floor files never call up (tools/check-store-floor.sh).
TESTS += tests/func/t0008-store-floor.sh
EXTRA_DIST += tests/func/t0008-store-floor.sh tools/check-store-floor.sh
## The reader one way: widgets, core, views (doc/UI-LAYERS).
TESTS += tests/func/t0009-ui-layers.sh
EXTRA_DIST += tests/func/t0009-ui-layers.sh tools/check-ui-layers.sh \
	doc/UI-LAYERS
