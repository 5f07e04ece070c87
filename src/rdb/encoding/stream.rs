//! stream (to be written)
