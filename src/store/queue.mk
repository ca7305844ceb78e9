## queue: the outbox queue table (owned by the outbox work).
STORE_QUEUE_SOURCES += src/store/queue.h src/store/queue.c
