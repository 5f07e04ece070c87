//! Round trips of every layout: the RDB reader reads the preamble, the
//! RESP parser reads the tail, `check_aof` calls each output valid.

use std::path::PathBuf;

use super::*;
use crate::aof::rewrite::rewrite_commands;
use crate::aof::rewrite::tests::{parse_all, sample};
use crate::check_aof::{check_path, AofCheckOptions, AofReport, Checked, PartFormat};
use crate::load::read_rdb_dataset;
use crate::rdb::reader::Record;
use crate::rdb::RdbReader;

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"))
}

fn check(path: &Path) -> AofReport {
    match check_path(path, &AofCheckOptions::default()) {
        Ok(Checked::Aof(r)) => *r,
        other => panic!("{}: not an AOF: {other:?}", path.display()),
    }
}

fn keys(ds: &Dataset) -> Vec<(u64, Vec<u8>)> {
    ds.dbs
        .iter()
        .flat_map(|(&db, d)| d.entries.iter().map(move |e| (db, e.key.clone())))
        .collect()
}

/// AUX fields as (name, value) pairs.
type AuxList = Vec<(Vec<u8>, Vec<u8>)>;

/// Reads the RDB part: its AUX fields and where the RESP tail starts.
fn rdb_part(bytes: &[u8]) -> (AuxList, usize) {
    let mut r = RdbReader::new(bytes).unwrap_or_else(|e| panic!("rdb header: {e}"));
    let mut aux = Vec::new();
    loop {
        let rec = r
            .next_record()
            .unwrap_or_else(|e| panic!("rdb: {e}"))
            .unwrap_or_else(|| panic!("rdb without EOF"));
        match rec.record {
            Record::Aux { key, value } => aux.push((
                key.to_bytes().map(|b| b.into_owned()).unwrap_or_default(),
                value.to_bytes().map(|b| b.into_owned()).unwrap_or_default(),
            )),
            Record::End { .. } => break,
            _ => {}
        }
    }
    (aux, r.offset() as usize)
}

#[test]
fn rdb_versions_follow_the_server() {
    assert_eq!(rdb_version_for(RedisVersion::V6_2), 9);
    assert_eq!(rdb_version_for(RedisVersion::V7_0), 10);
    assert_eq!(rdb_version_for(RedisVersion::V7_2), 11);
    assert_eq!(rdb_version_for(RedisVersion::V7_4), 12);
    assert_eq!(rdb_version_for(RedisVersion::new(8, 4)), 12);
    assert_eq!(rdb_version_for(RedisVersion::V8_6), 13);
    assert_eq!(rdb_version_for(RedisVersion::V8_8), 14);
}

#[test]
fn hybrid_preamble_reads_back_and_the_tail_parses() {
    for (version, marker) in [(9u32, "aof-preamble"), (10, "aof-base"), (12, "aof-base")] {
        let redis = match version {
            9 => RedisVersion::V6_2,
            10 => RedisVersion::V7_0,
            _ => RedisVersion::V7_4,
        };
        let mut ds = sample(redis);
        if version < 10 {
            ds.functions.clear();
        }
        let tail = vec![
            vec![b"SELECT".to_vec(), b"0".to_vec()],
            vec![b"SET".to_vec(), b"after".to_vec(), b"\r\n\0".to_vec()],
        ];
        let opts = preamble_write_options(version, 1_700_000_000);
        let bytes = write_hybrid_aof(&ds, &opts, &tail, Vec::new())
            .unwrap_or_else(|e| panic!("rdb {version}: {e}"));
        assert!(bytes.starts_with(format!("REDIS{version:04}").as_bytes()));
        let (aux, end) = rdb_part(&bytes);
        assert_eq!(aux, preamble_aux(version, 1_700_000_000));
        assert_eq!(
            aux.last(),
            Some(&(marker.as_bytes().to_vec(), b"1".to_vec()))
        );
        assert_eq!(parse_all(&bytes[end..]), tail);
        let back =
            read_rdb_dataset(RdbReader::new(bytes.as_slice()).unwrap_or_else(|e| panic!("{e}")))
                .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(keys(&back), keys(&ds));
        assert_eq!(back.functions, ds.functions);

        let d = tempdir();
        let p = d.path().join("appendonly.aof");
        std::fs::write(&p, &bytes).unwrap_or_else(|e| panic!("{e}"));
        let report = check(&p);
        assert!(report.is_valid(), "{report:?}");
        assert_eq!(report.parts[0].format, PartFormat::RdbPreamble);
        assert_eq!(report.commands(), 2);
    }
}

#[test]
fn plain_resp_file_checks_valid() {
    let ds = sample(RedisVersion::V7_0);
    let opts = RewriteOptions::for_version(RedisVersion::V7_0);
    let mut bytes = Vec::new();
    let sum = write_resp_aof(&ds, &opts, &mut bytes).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sum.bytes, bytes.len() as u64);
    let d = tempdir();
    let p = d.path().join("appendonly.aof");
    std::fs::write(&p, &bytes).unwrap_or_else(|e| panic!("{e}"));
    let report = check(&p);
    assert!(report.is_valid(), "{report:?}");
    assert_eq!(report.parts[0].format, PartFormat::Resp);
    assert_eq!(report.commands(), sum.commands);
}

#[test]
fn multi_part_directories_check_valid() {
    let ds = sample(RedisVersion::V7_0);
    let resp = RewriteOptions {
        timestamp: Some(1_700_000_000),
        ..RewriteOptions::for_version(RedisVersion::V7_0)
    };
    let n_commands = rewrite_commands(&ds, &resp)
        .unwrap_or_else(|e| panic!("{e}"))
        .count() as u64;
    for base in [
        MultiPartBase::rdb_for(RedisVersion::V7_0, 1_700_000_000),
        MultiPartBase::Resp(resp),
    ] {
        let d = tempdir();
        let opts = MultiPartOptions {
            names: AofNames::default(),
            base: base.clone(),
        };
        let w = write_multipart_aof(&ds, d.path(), &opts).unwrap_or_else(|e| panic!("{e}"));
        let ext = match base {
            MultiPartBase::Rdb(_) => "rdb",
            MultiPartBase::Resp(_) => "aof",
        };
        assert_eq!(
            std::fs::read(&w.manifest_path).unwrap_or_default(),
            format!(
                "file appendonly.aof.1.base.{ext} seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n"
            )
            .into_bytes()
        );
        for p in [w.dir.clone(), w.manifest_path.clone()] {
            let report = check(&p);
            assert!(report.is_valid(), "{report:?}");
            assert_eq!(report.parts.len(), 2);
            let want = if ext == "rdb" { 0 } else { n_commands };
            assert_eq!(report.commands(), want);
        }
        let base_bytes = std::fs::read(&w.base).unwrap_or_default();
        if ext == "rdb" {
            let (aux, end) = rdb_part(&base_bytes);
            assert_eq!(end, base_bytes.len());
            assert!(aux.contains(&(b"aof-base".to_vec(), b"1".to_vec())));
        } else {
            assert!(base_bytes.starts_with(b"#TS:1700000000\r\n"));
        }
    }
}

#[test]
fn multi_part_refuses_before_creating_anything() {
    let mut ds = sample(RedisVersion::V7_4);
    ds.dbs.entry(0).or_default();
    let d = tempdir();
    for base in [
        MultiPartBase::Resp(RewriteOptions::for_version(RedisVersion::V7_0)),
        MultiPartBase::rdb_for(RedisVersion::V7_0, 0),
    ] {
        let opts = MultiPartOptions {
            names: AofNames::default(),
            base,
        };
        assert!(write_multipart_aof(&ds, d.path(), &opts).is_err());
        let left: Vec<PathBuf> = std::fs::read_dir(d.path())
            .map(|it| it.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        assert!(left.is_empty(), "{left:?}");
    }
}
