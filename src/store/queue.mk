## queue: the outbox queue table (owned by the outbox work).
