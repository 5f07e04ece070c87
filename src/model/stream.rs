//! Streams: entries, consumer groups, pending entries, idempotent producers.

/// A stream entry id `ms-seq`. Ordering is numeric on (ms, seq).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct StreamId {
    /// Milliseconds part.
    pub ms: u64,
    /// Sequence part.
    pub seq: u64,
}

impl StreamId {
    /// Builds an id.
    pub const fn new(ms: u64, seq: u64) -> Self {
        StreamId { ms, seq }
    }

    /// Decodes the 16-byte big-endian form used for rax keys and PELs.
    pub fn from_be_bytes(b: &[u8; 16]) -> Self {
        let mut ms = [0u8; 8];
        let mut seq = [0u8; 8];
        ms.copy_from_slice(&b[..8]);
        seq.copy_from_slice(&b[8..]);
        StreamId {
            ms: u64::from_be_bytes(ms),
            seq: u64::from_be_bytes(seq),
        }
    }

    /// The 16-byte big-endian form.
    pub fn to_be_bytes(self) -> [u8; 16] {
        let mut out = [0u8; 16];
        out[..8].copy_from_slice(&self.ms.to_be_bytes());
        out[8..].copy_from_slice(&self.seq.to_be_bytes());
        out
    }
}

impl std::fmt::Display for StreamId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.ms, self.seq)
    }
}

/// One live stream entry.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamEntry {
    /// Entry id.
    pub id: StreamId,
    /// Field/value pairs in order.
    pub fields: Vec<(Vec<u8>, Vec<u8>)>,
}

/// A pending (delivered, not acknowledged) entry in a group's PEL.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamPendingEntry {
    /// The entry id.
    pub id: StreamId,
    /// Last delivery time, Unix ms.
    pub delivery_time: i64,
    /// Number of deliveries.
    pub delivery_count: u64,
}

/// A consumer of a group.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamConsumer {
    /// Consumer name.
    pub name: Vec<u8>,
    /// Last time the consumer was seen, Unix ms.
    pub seen_time: i64,
    /// Last successful read time (RDB 11+; equals `seen_time` before).
    pub active_time: i64,
    /// Ids of the group PEL entries this consumer owns.
    pub pending: Vec<StreamId>,
}

/// A consumer group.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamGroup {
    /// Group name.
    pub name: Vec<u8>,
    /// Last delivered id.
    pub last_id: StreamId,
    /// Entries read counter (`None` when unknown, stored as `UINT64_MAX`).
    pub entries_read: Option<u64>,
    /// Group PEL, ascending by id.
    pub pending: Vec<StreamPendingEntry>,
    /// Consumers.
    pub consumers: Vec<StreamConsumer>,
    /// Redis 8.8 NACK zone: PEL ids released without an owner.
    pub nacked: Vec<StreamId>,
}

/// One idempotency record of a producer (Redis 8.6 `XADD ... IDMP`).
#[derive(Debug, Clone, PartialEq)]
pub struct StreamIdmpEntry {
    /// Idempotency id.
    pub iid: Vec<u8>,
    /// The entry added with it.
    pub id: StreamId,
}

/// A producer's idempotency records.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamIdmpProducer {
    /// Producer id.
    pub pid: Vec<u8>,
    /// Records, oldest first.
    pub entries: Vec<StreamIdmpEntry>,
}

/// Idempotent-producer state of a stream (RDB 13+).
#[derive(Debug, Clone, PartialEq)]
pub struct StreamIdmp {
    /// `IDMP-DURATION` in seconds.
    pub duration: u64,
    /// `IDMP-MAXSIZE`.
    pub max_entries: u64,
    /// Producers.
    pub producers: Vec<StreamIdmpProducer>,
    /// All-time count of recorded iids.
    pub iids_added: u64,
    /// All-time count of duplicates answered.
    pub iids_duplicates: u64,
}

/// A stream value.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Stream {
    /// Live entries in id order.
    pub entries: Vec<StreamEntry>,
    /// Number of live entries as stored (`XLEN`).
    pub length: u64,
    /// Last generated id.
    pub last_id: StreamId,
    /// First live id (derived for RDB 9 streams).
    pub first_id: StreamId,
    /// Largest deleted id.
    pub max_deleted_id: StreamId,
    /// Entries ever added.
    pub entries_added: u64,
    /// Consumer groups.
    pub groups: Vec<StreamGroup>,
    /// Idempotent-producer state, when the file carries it.
    pub idmp: Option<StreamIdmp>,
}
