//! Byte strings in serde reports, losslessly and in the same form as
//! `dump`: a JSON string when the bytes are valid UTF-8, else
//! `{"base64": "..."}`.

use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::export::text::base64_encode;

/// A byte string that serializes as a string or `{"base64": ...}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonBytes<'a>(pub &'a [u8]);

impl Serialize for JsonBytes<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match std::str::from_utf8(self.0) {
            Ok(text) => s.serialize_str(text),
            Err(_) => {
                let mut b64 = Vec::with_capacity(self.0.len() * 4 / 3 + 4);
                base64_encode(&mut b64, self.0);
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("base64", &String::from_utf8_lossy(&b64))?;
                m.end()
            }
        }
    }
}

/// Serializes an owned byte string with [`JsonBytes`] (for
/// `#[serde(serialize_with)]`).
pub fn serialize<S: Serializer>(b: &[u8], s: S) -> Result<S::Ok, S::Error> {
    JsonBytes(b).serialize(s)
}

/// Serializes a list of byte strings with [`JsonBytes`].
pub fn serialize_vec<S: Serializer>(v: &[Vec<u8>], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(v.iter().map(|b| JsonBytes(b)))
}

/// Shows raw bytes quoted the way `redis-cli` prints them (`"a\x00b"`).
pub fn quoted(b: &[u8]) -> String {
    crate::rdb::error::show_bytes(b)
}
