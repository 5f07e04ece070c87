//! The 9-byte signature (spec §3) and the dialect it implies (dialects §4).
//!
//! ```text
//! REDIS0012   "REDIS" + 4 ASCII digits   (Redis 1..14, Valkey <= 8.1 writes 11)
//! VALKEY080   "VALKEY" + 3 ASCII digits  (Valkey 9.0+, versions >= 80)
//! ```
//!
//! Byte values 20, 22, 23, 243 and the vendor ranges mean different things
//! to different producers. The family and version decide; the AUX fields
//! refine a producer guess that is used for messages and the few vendor
//! constructs.

use super::error::{RdbError, RdbErrorKind};

/// Who defines the meaning of ambiguous bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    /// `REDIS` magic.
    Redis,
    /// `VALKEY` magic.
    Valkey,
}

/// A best guess at the program that wrote the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Producer {
    /// Redis open source (AUX `redis-ver`), or a file too old for AUX.
    Redis,
    /// Valkey (AUX `valkey-ver` or the `VALKEY` magic).
    Valkey,
    /// KeyDB (a `redis-ver` of 6.3.x, `mvcc-tstamp`, `repl-masters`).
    Keydb,
    /// Dragonfly (AUX `df-ver`).
    Dragonfly,
    /// Redis Enterprise (`big*`/`crdt*` AUX fields or opcodes 107/121).
    RedisEnterprise,
    /// No evidence either way.
    Unknown,
}

impl Producer {
    /// Display name.
    pub fn name(self) -> &'static str {
        match self {
            Producer::Redis => "Redis",
            Producer::Valkey => "Valkey",
            Producer::Keydb => "KeyDB",
            Producer::Dragonfly => "Dragonfly",
            Producer::RedisEnterprise => "Redis Enterprise",
            Producer::Unknown => "unknown",
        }
    }
}

/// The parsed signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RdbHeader {
    /// Magic family.
    pub family: Family,
    /// RDB version number.
    pub version: u32,
    /// The 9 bytes as found.
    pub magic: [u8; 9],
}

impl RdbHeader {
    /// Why this version is unusual, if it is: a future version, or a version
    /// that the magic's family never writes.
    pub fn version_note(&self) -> Option<String> {
        match self.family {
            Family::Redis if self.version >= 80 => Some(format!(
                "REDIS signature with version {}, a number only Valkey uses (with a VALKEY signature); reading it best-effort with Redis meanings",
                self.version
            )),
            Family::Redis if self.version > super::consts::RDB_VERSION_REDIS_MAX => Some(format!(
                "can't handle RDB format version {}: newer than the newest known ({}); reading it best-effort",
                self.version,
                super::consts::RDB_VERSION_REDIS_MAX
            )),
            Family::Valkey if self.version < 80 => Some(format!(
                "VALKEY signature with version {}, below Valkey's first (80)",
                self.version
            )),
            Family::Valkey if self.version > 81 => Some(format!(
                "future Valkey RDB version {}: newer than the newest known (81); reading it best-effort",
                self.version
            )),
            _ => None,
        }
    }

    /// The signature as text, e.g. `REDIS0011`.
    pub fn signature(&self) -> String {
        String::from_utf8_lossy(&self.magic).into_owned()
    }
}

/// Length of the signature.
pub const HEADER_LEN: usize = 9;

/// Parses the signature. Unlike Redis's `atoi`, every digit must be a digit.
pub fn parse_header(b: &[u8]) -> Result<RdbHeader, RdbError> {
    if b.starts_with(b"VCS") {
        return Err(RdbError::new(0, RdbErrorKind::CompressedEnvelope));
    }
    let bad = || {
        RdbError::new(
            0,
            RdbErrorKind::BadMagic {
                found: b[..b.len().min(HEADER_LEN)].to_vec(),
            },
        )
    };
    if b.len() < HEADER_LEN {
        if b"REDIS".starts_with(&b[..b.len().min(5)]) && !b.is_empty() {
            return Err(RdbError::new(
                b.len() as u64,
                RdbErrorKind::Truncated {
                    what: "the 9-byte signature".into(),
                },
            ));
        }
        return Err(bad());
    }
    let mut magic = [0u8; HEADER_LEN];
    magic.copy_from_slice(&b[..HEADER_LEN]);
    let digits = |d: &[u8]| -> Option<u32> {
        if d.iter().all(u8::is_ascii_digit) {
            std::str::from_utf8(d).ok()?.parse().ok()
        } else {
            None
        }
    };
    let (family, version) = if &magic[..5] == b"REDIS" {
        (Family::Redis, digits(&magic[5..]).ok_or_else(bad)?)
    } else if &magic[..6] == b"VALKEY" {
        (Family::Valkey, digits(&magic[6..]).ok_or_else(bad)?)
    } else {
        return Err(bad());
    };
    if version == 0 {
        return Err(RdbError::new(9, RdbErrorKind::BadVersion(0)));
    }
    // A version outside the family's range is parsed best-effort and
    // reported by the checker (`RdbHeader::version_note`), the way Valkey's
    // relaxed mode does; only bytes whose meaning it leaves open stop a read.
    Ok(RdbHeader {
        family,
        version,
        magic,
    })
}

/// How the bytes of a file are to be read: family, version, producer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dialect {
    /// Magic family.
    pub family: Family,
    /// RDB version.
    pub version: u32,
    /// Producer guess, refined while reading AUX fields.
    pub producer: Producer,
}

impl Dialect {
    /// The dialect implied by a header alone.
    pub fn from_header(h: &RdbHeader) -> Self {
        Dialect {
            family: h.family,
            version: h.version,
            producer: match h.family {
                Family::Valkey => Producer::Valkey,
                Family::Redis => Producer::Unknown,
            },
        }
    }

    /// The dialect of a DUMP payload, decided from its footer version
    /// (dialects §4.3: 12..79 Redis meanings, 80+ Valkey meanings).
    pub fn for_dump(version: u32) -> Self {
        let family = if version >= 80 {
            Family::Valkey
        } else {
            Family::Redis
        };
        Dialect {
            family,
            version,
            producer: Producer::Unknown,
        }
    }

    /// Refines the producer guess from one AUX field (dialects §4.2).
    pub fn observe_aux(&mut self, key: &[u8], value: &[u8]) {
        let set = |p: &mut Producer, to: Producer| {
            // Vendor evidence outranks the generic `redis-ver` guess.
            if matches!(*p, Producer::Unknown | Producer::Redis) {
                *p = to;
            }
        };
        match key {
            b"valkey-ver" => set(&mut self.producer, Producer::Valkey),
            b"df-ver" => self.producer = Producer::Dragonfly,
            b"mvcc-tstamp" | b"keydb-subexpire-key" | b"repl-masters" => {
                self.producer = Producer::Keydb
            }
            b"redis-ver" => {
                if value.starts_with(b"6.3.") && self.version == 9 {
                    set(&mut self.producer, Producer::Keydb);
                } else if self.producer == Producer::Unknown {
                    self.producer = Producer::Redis;
                }
            }
            k if k.starts_with(b"big") || k.starts_with(b"crdt") => {
                set(&mut self.producer, Producer::RedisEnterprise)
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redis_and_valkey_signatures() {
        let h = parse_header(b"REDIS0011").unwrap();
        assert_eq!((h.family, h.version), (Family::Redis, 11));
        let h = parse_header(b"VALKEY080").unwrap();
        assert_eq!((h.family, h.version), (Family::Valkey, 80));
        assert!(parse_header(b"REDIS00a1").is_err());
        assert!(parse_header(b"VALKEY011").unwrap().version_note().is_some());
        assert!(parse_header(b"REDIS0099").unwrap().version_note().is_some());
        assert!(parse_header(b"REDIS0014").unwrap().version_note().is_none());
        assert!(matches!(
            parse_header(b"VCS\x01....."),
            Err(RdbError {
                kind: RdbErrorKind::CompressedEnvelope,
                ..
            })
        ));
        assert!(parse_header(b"REDI").unwrap_err().is_truncation());
    }
}
