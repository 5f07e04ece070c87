//! zipmap (to be written)
