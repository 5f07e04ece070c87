//! ziplist (to be written)
