//! Forgetting what an older server cannot hold: the value-level side of a
//! lossy conversion (`redfile convert --lossy ...`, the RDB writer's
//! [`crate::rdb::writer::Lossy`]). Each operation removes one kind of
//! metadata and keeps everything else, and says whether anything changed,
//! so that callers can report exactly what was given up.

use super::{Stream, Value};

impl Value {
    /// Makes every field of a hash persistent (drops hash field TTLs,
    /// Redis 7.4 `HEXPIRE` / Valkey 9 volatile fields). The fields and
    /// their values stay. True when a TTL was dropped.
    pub fn drop_field_ttls(&mut self) -> bool {
        let Value::Hash(fields) = self else {
            return false;
        };
        let mut changed = false;
        for f in fields.iter_mut() {
            changed |= f.expire_ms.take().is_some();
        }
        changed
    }
}

impl Stream {
    /// Drops the idempotent-producer state (Redis 8.6 `XADD ... IDMP`):
    /// the entries stay, the record of which producer added them goes.
    /// True when there was any state.
    pub fn drop_idmp(&mut self) -> bool {
        self.idmp.take().is_some()
    }

    /// Drops the NACK zones of every group (Redis 8.8 `XNACK`): the
    /// released entries leave the group's PEL too, since before 8.8 every
    /// pending entry must have an owner. True when a zone was dropped.
    pub fn drop_nack_zones(&mut self) -> bool {
        let mut changed = false;
        for g in &mut self.groups {
            if g.nacked.is_empty() {
                continue;
            }
            changed = true;
            let nacked = std::mem::take(&mut g.nacked);
            g.pending.retain(|p| !nacked.contains(&p.id));
        }
        changed
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{
        HashField, Stream, StreamConsumer, StreamGroup, StreamId, StreamPendingEntry, Value,
    };

    #[test]
    fn field_ttls_go_fields_stay() {
        let mut v = Value::Hash(vec![
            HashField {
                field: b"a".to_vec(),
                value: b"1".to_vec(),
                expire_ms: Some(5),
            },
            HashField {
                field: b"b".to_vec(),
                value: b"2".to_vec(),
                expire_ms: None,
            },
        ]);
        assert!(v.drop_field_ttls());
        assert!(!v.drop_field_ttls());
        let Value::Hash(f) = &v else {
            panic!("still a hash")
        };
        assert_eq!(f.len(), 2);
        assert!(f.iter().all(|f| f.expire_ms.is_none()));
        assert!(!Value::String(b"x".to_vec()).drop_field_ttls());
    }

    #[test]
    fn nack_zones_leave_the_pel() {
        let id = |n| StreamId::new(n, 0);
        let pel = |n| StreamPendingEntry {
            id: id(n),
            delivery_time: 1,
            delivery_count: 1,
        };
        let mut s = Stream {
            groups: vec![StreamGroup {
                name: b"g".to_vec(),
                last_id: id(3),
                entries_read: None,
                pending: vec![pel(1), pel(2)],
                consumers: vec![StreamConsumer {
                    name: b"c".to_vec(),
                    seen_time: 0,
                    active_time: 0,
                    pending: vec![id(1)],
                }],
                nacked: vec![id(2)],
            }],
            ..Stream::default()
        };
        assert!(s.drop_nack_zones());
        assert_eq!(s.groups[0].pending, vec![pel(1)]);
        assert!(s.groups[0].nacked.is_empty());
        assert!(!s.drop_nack_zones());
        assert!(!s.drop_idmp());
    }
}
