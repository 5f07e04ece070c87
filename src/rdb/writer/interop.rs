//! Interop test against a real redis-server.
