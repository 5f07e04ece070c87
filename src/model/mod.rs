//! Format-neutral data: what a Redis dataset holds, independent of how a
//! file encodes it.
//!
//! The RDB and AOF readers produce these types, the writers and the engine
//! consume them. Keys, members and values are byte strings everywhere:
//! Redis is binary-safe and so is redfile; UTF-8 is a presentation concern.

mod dataset;
mod stream;
mod strip;
mod value;

pub use dataset::{Dataset, Db, Entry, ModuleAuxData};

pub use stream::{
    Stream, StreamConsumer, StreamEntry, StreamGroup, StreamId, StreamIdmp, StreamIdmpEntry,
    StreamIdmpProducer, StreamPendingEntry,
};
pub use value::{ArrayValue, HashField, ModuleValue, Value, ValueType};
