//! Byte-level helpers shared by the readers and writers.

pub mod crc64;
pub mod lzf;
