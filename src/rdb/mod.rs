//! The RDB format.

pub mod encoding;
