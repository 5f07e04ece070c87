//! The RDB format: a streaming reader, value decoding, and the blob
//! encodings inside values.
//!
//! ```text
//! file   := "REDIS" 4 digits | "VALKEY" 3 digits      header.rs
//!           record*                                  record.rs, reader.rs
//!           0xFF [u64le CRC-64]                      (version >= 5)
//! record := opcode payload | [prefixes] type STR(key) value
//! value  := per type, walked by frame.rs, decoded by object.rs,
//!           blobs (ziplist, listpack, intset, zipmap) in encoding/
//! ```
//!
//! Where a byte of a file is decoded: the signature in [`header`], lengths
//! and strings in [`primitives`], opcodes in `record.rs`, value layouts in
//! [`frame`] (framing) and [`object`] (content), packed blobs in
//! [`encoding`]. Constants are named as in Redis's `rdb.h` ([`consts`]).

pub mod consts;
pub mod elements;
pub mod encoding;
pub mod error;
pub mod frame;
pub mod header;
pub mod kind;
pub mod module;
pub mod primitives;
pub mod reader;
pub(crate) mod record;

pub use error::{RdbError, RdbErrorKind};
pub use header::{Dialect, Family, Producer, RdbHeader};
pub use kind::ObjectKind;
pub use primitives::RdbStr;
pub use reader::{
    Checksum, Expire, KeyRecord, LargeValues, Located, NoPieces, PieceSink, RdbReader,
    ReaderOptions, Record, TimeUnit, WalkedKey,
};
pub mod object;
pub mod validate;
pub mod write;
pub mod writer;
pub use writer::{write_dataset, EncodingConfig, RdbWriteError, RdbWriter, WriteOptions};
