//! The AOF format: plain RESP files, RDB-preamble files and the multi-part
//! layout of Redis 7+.
//!
//! ```text
//! legacy file      [RDB image (REDIS/VALKEY magic ... 0xFF crc64)] RESP items...
//! multi-part dir   appendonlydir/
//!                    appendonly.aof.manifest      file <name> seq <n> type b|h|i
//!                    appendonly.aof.1.base.rdb    RDB image (or RESP, .base.aof)
//!                    appendonly.aof.1.incr.aof    RESP items...
//! RESP item        *<argc>\r\n ( $<len>\r\n <bytes>\r\n )*   |   #<annotation>\n
//! ```
//!
//! This module never parses RDB bytes: for a file with an RDB part the caller
//! parses it and hands over the offset where RESP starts. Parsing mirrors
//! `aof.c: loadSingleAppendOnlyFile` and `redis-check-aof.c`; see
//! `spec/aof-format.md` and `spec/redis-check-tools.md` §1.
//!
//! | task | use |
//! |---|---|
//! | parse one item from bytes | [`resp::item`] |
//! | stream the commands of a file | [`AofScanner`] |
//! | do what redis-check-aof does | [`check_resp`] → [`AofCheckReport`] |
//! | find what a fix would do, then do it | [`plan_fix`] → [`FixPlan`] → [`apply_fix`] |
//! | read or write a manifest | [`Manifest::parse`], [`Manifest::to_bytes`] |
//! | decide what a path holds | [`resolve_layout`] |

pub mod check;
pub mod command;
pub mod error;
pub mod fix;
mod input;
pub mod layout;
pub mod manifest;
pub mod message;
pub mod multipart;
pub mod resp;
pub mod rewrite;
pub mod scan;
pub mod writer;

pub use check::{
    check_resp, AofCheckReport, AofDamage, CheckOptions, MalformedCause, Salvage, TailCause,
    TimestampStop,
};
pub use command::Command;
pub use error::{AofError, AofErrorKind};
pub use fix::{
    apply_fix, apply_fix_in, plan_fix, FixOptions, FixOutcome, FixPlan, FixStrategy, RefuseReason,
};
pub use layout::{
    open_manifest, resolve_layout, sniff_file, AofLayout, AofPart, FileContent, MultiPartAof,
    RdbMagic,
};
pub use manifest::{AofFileType, Manifest, ManifestEntry, ManifestError, ManifestErrorKind};
pub use message::CheckAofMessage;
pub use scan::{AofScanner, ScanItem};
