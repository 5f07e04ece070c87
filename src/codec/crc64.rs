//! CRC-64/REDIS (Jones polynomial, reflected, init 0, xorout 0), the RDB
//! trailer and DUMP footer checksum (spec §15), computed by `crc-fast`.
//!
//! Not CRC-64/XZ or ECMA-182: those use other polynomials and cannot check
//! a Redis file.

use crc_fast::{CrcAlgorithm, Digest};

/// An incremental CRC-64/REDIS.
#[derive(Clone)]
pub struct Crc64(Digest);

impl Default for Crc64 {
    fn default() -> Self {
        Crc64::new()
    }
}

impl std::fmt::Debug for Crc64 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Crc64({:016x})", self.value())
    }
}

impl Crc64 {
    /// A fresh checksum (of zero bytes).
    pub fn new() -> Self {
        Crc64(Digest::new(CrcAlgorithm::Crc64Redis))
    }

    /// Feeds bytes.
    #[inline]
    pub fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }

    /// The checksum of everything fed so far.
    pub fn value(&self) -> u64 {
        self.0.finalize()
    }
}

/// The CRC-64/REDIS of `data`.
pub fn crc64(data: &[u8]) -> u64 {
    crc_fast::checksum(CrcAlgorithm::Crc64Redis, data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_values_from_crc64_c() {
        assert_eq!(crc64(b"123456789"), 0xE9C6D914C4B8D9CA);
        let mut c = Crc64::new();
        c.update(b"1234");
        c.update(b"56789");
        assert_eq!(c.value(), 0xE9C6D914C4B8D9CA);
    }

    #[test]
    fn smallest_rdb11_file() {
        assert_eq!(crc64(b"REDIS0011\xff"), 0x629738748D8A22C0);
    }

    #[test]
    fn dump_payload_of_bar() {
        assert_eq!(
            crc64(&[0x00, 0x03, 0x62, 0x61, 0x72, 0x0c, 0x00]).to_le_bytes(),
            [0x2d, 0xc8, 0x7d, 0xa0, 0x14, 0x4c, 0x63, 0x5e]
        );
    }
}
