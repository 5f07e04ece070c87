//! listpack (to be written)
