## mime: depends on util. Parsing (mime.c), rendering (render*.c, owned by
## render.mk) and building messages (compose*.c, owned by compose.mk).
noinst_LIBRARIES += src/mime/libmime.a
MIME_RENDER_SOURCES =
MIME_COMPOSE_SOURCES =
include src/mime/render.mk
include src/mime/compose.mk
src_mime_libmime_a_SOURCES = src/mime/mime.h src/mime/mime.c \
	$(MIME_RENDER_SOURCES) $(MIME_COMPOSE_SOURCES)
