//! intset (to be written)
