## compose: building messages, replies and forwards.
