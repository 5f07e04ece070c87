//! Damaged input never panics, never allocates by a length it read, never
//! hangs: every fixture cut at every length and with every byte flipped.

use std::io::Cursor;

use redfile::check::{check_rdb, CheckOptions, Severity};
use redfile::rdb::encoding::Depth;
use redfile::rdb::{RdbReader, ReaderOptions};

use crate::shared_rdbs;

fn check_bytes(data: &[u8], sized: bool) -> Option<redfile::check::RdbReport> {
    let opts = ReaderOptions {
        size_hint: sized.then_some(data.len() as u64),
        ..ReaderOptions::default()
    };
    let reader = RdbReader::with_options(Cursor::new(data.to_vec()), opts).ok()?;
    Some(check_rdb(
        reader,
        CheckOptions {
            depth: Depth::Deep,
            now_ms: 0,
            max_findings: 100,
        },
    ))
}

fn has_error(r: &Option<redfile::check::RdbReport>) -> bool {
    match r {
        None => true,
        Some(r) => r.findings.iter().any(|f| f.severity == Severity::Error),
    }
}

/// Cut points: every length for small files, an even spread of about 700
/// for bigger ones, plus the last 64 bytes (the EOF opcode and trailer).
fn cuts(len: usize) -> Vec<usize> {
    if len <= 1024 {
        return (0..len).collect();
    }
    let step = len / 256;
    let mut v: Vec<usize> = (0..len).step_by(step.max(1)).collect();
    v.extend(len.saturating_sub(64)..len);
    v.sort_unstable();
    v.dedup();
    v
}

#[test]
fn every_truncation_of_every_fixture_is_a_clean_error() {
    for path in shared_rdbs("redis-assets")
        .into_iter()
        .chain(shared_rdbs("dialects"))
    {
        let data = std::fs::read(&path).expect("read fixture");
        let full = check_bytes(&data, true);
        let complete_at = full.as_ref().map_or(data.len(), |r| r.end_offset as usize);
        for cut in cuts(data.len()) {
            if cut >= complete_at {
                continue;
            }
            // Unsized (a pipe) takes the slower path; sample it.
            let modes: &[bool] = if cut % 7 == 0 {
                &[true, false]
            } else {
                &[true]
            };
            for &sized in modes {
                let r = check_bytes(&data[..cut], sized);
                assert!(
                    has_error(&r),
                    "{} cut at {cut} (sized: {sized}) was not reported",
                    path.display()
                );
                if let Some(r) = &r {
                    assert!(
                        !r.complete,
                        "{} cut at {cut} claims complete",
                        path.display()
                    );
                }
            }
        }
    }
}

#[test]
fn every_byte_flip_in_a_checksummed_fixture_is_caught() {
    for path in shared_rdbs("redis-assets")
        .into_iter()
        .chain(shared_rdbs("dialects"))
    {
        let data = std::fs::read(&path).expect("read fixture");
        let Some(full) = check_bytes(&data, true) else {
            continue;
        };
        let checksummed = full.checksum == redfile::check::ChecksumStatus::Ok;
        let end = full.end_offset as usize;
        for pos in cuts(end) {
            let mut copy = data.clone();
            copy[pos] ^= 0x5a;
            let r = check_bytes(&copy, true);
            if checksummed {
                assert!(
                    has_error(&r),
                    "{}: flipping byte {pos} went unnoticed",
                    path.display()
                );
            }
        }
    }
}

/// An RDB 11 file with one string key whose value claims `len` bytes.
fn rdb_with_string_len(len_bytes: &[u8]) -> Vec<u8> {
    let mut f = b"REDIS0011".to_vec();
    f.extend_from_slice(&[0xfe, 0x00, 0x00, 0x01, b'k']);
    f.extend_from_slice(len_bytes);
    f.extend_from_slice(b"abc");
    f
}

#[test]
fn a_length_of_two_to_the_sixtieth_is_an_error_not_an_allocation() {
    let data = rdb_with_string_len(&[0x81, 0x10, 0, 0, 0, 0, 0, 0, 0]);
    for sized in [true, false] {
        let r = check_bytes(&data, sized).expect("header is fine");
        let f = r.first_error().expect("an error");
        assert!(
            f.code == "truncated" || f.message.contains("exceeds"),
            "unexpected finding {f:?}"
        );
    }
}

#[test]
fn a_huge_element_count_is_refused_before_reading_on() {
    // A list claiming 2^40 elements in a 30-byte file.
    let mut f = b"REDIS0011".to_vec();
    f.extend_from_slice(&[0xfe, 0x00, 0x01, 0x01, b'l']);
    f.extend_from_slice(&[0x81, 0, 0, 0x01, 0, 0, 0, 0, 0]);
    f.extend_from_slice(&[0x01, b'x']);
    let r = check_bytes(&f, true).expect("header is fine");
    let e = r.first_error().expect("an error");
    assert_eq!(e.offset, 14);
    assert!(
        e.message
            .contains("element count of 1099511627776 bytes exceeds the 11 bytes left"),
        "{}",
        e.message
    );
}

#[test]
fn an_lzf_string_declaring_a_terabyte_is_refused() {
    let mut f = b"REDIS0011".to_vec();
    f.extend_from_slice(&[0xfe, 0x00, 0x00, 0x01, b'k']);
    // LZF, clen 2, ulen 2^40
    f.extend_from_slice(&[
        0xc3, 0x02, 0x81, 0, 0, 0x01, 0, 0, 0, 0, 0, 0x00, b'a', 0xff,
    ]);
    f.extend_from_slice(&redfile::codec::crc64::crc64(&f).to_le_bytes());
    let r = check_bytes(&f, true).expect("header is fine");
    let e = r.first_error().expect("an error");
    assert_eq!(e.code, "corrupt-value");
    assert!(e.message.contains("invalid LZF"), "{}", e.message);
}

fn check_streamed(data: &[u8], hold: usize) -> Option<redfile::check::RdbReport> {
    let opts = ReaderOptions {
        size_hint: Some(data.len() as u64),
        max_held_value: Some(hold),
        ..ReaderOptions::default()
    };
    let reader = RdbReader::with_options(Cursor::new(data.to_vec()), opts).ok()?;
    Some(check_rdb(
        reader,
        CheckOptions {
            depth: Depth::Header,
            now_ms: 0,
            max_findings: 100,
        },
    ))
}

/// Values larger than the holding limit are walked piece by piece; the walk
/// must find the same records, sizes and verdicts as holding them whole.
#[test]
fn walking_values_in_pieces_agrees_with_holding_them() {
    for path in shared_rdbs("redis-assets")
        .into_iter()
        .chain(shared_rdbs("dialects"))
    {
        let data = std::fs::read(&path).expect("read fixture");
        let Some(held) = check_bytes(&data, true) else {
            continue;
        };
        for hold in [1, 7, 64] {
            let walked = check_streamed(&data, hold).expect("header parses");
            assert_eq!(walked.keys_read, held.keys_read, "{}", path.display());
            assert_eq!(walked.complete, held.complete, "{}", path.display());
            assert_eq!(walked.checksum, held.checksum, "{}", path.display());
            assert_eq!(walked.end_offset, held.end_offset, "{}", path.display());
            for (db, s) in &held.dbs {
                let w = &walked.dbs[db];
                assert_eq!(
                    (w.keys, w.value_bytes, &w.encodings),
                    (s.keys, s.value_bytes, &s.encodings),
                    "{} db {db}",
                    path.display()
                );
            }
        }
        for cut in cuts(held.end_offset as usize) {
            let r = check_streamed(&data[..cut], 16);
            assert!(
                has_error(&r),
                "{} cut at {cut} walked in pieces was not reported",
                path.display()
            );
        }
    }
}

/// `check --deep` validates values without building them; `decode_value`
/// builds them. Both must accept and refuse the same values, on every
/// fixture and on byte-flipped copies of every value.
#[test]
fn deep_validation_and_decoding_agree() {
    use redfile::rdb::object::decode_value;
    use redfile::rdb::validate::validate_value;
    use redfile::rdb::Record;
    for path in shared_rdbs("redis-assets")
        .into_iter()
        .chain(shared_rdbs("dialects"))
    {
        let data = std::fs::read(&path).expect("read fixture");
        let Ok(mut r) = RdbReader::with_options(&data[..], ReaderOptions::default()) else {
            continue;
        };
        while let Ok(Some(l)) = r.next_record() {
            let Record::Key(k) = l.record else { continue };
            let check = |body: &[u8], what: &str| {
                let v = validate_value(k.kind, body).map(|_| ());
                let d = decode_value(k.kind, body, Depth::Deep).map(|_| ());
                assert_eq!(
                    v.is_ok(),
                    d.is_ok(),
                    "{} key at {} ({what}): validate {v:?} vs decode {d:?}",
                    path.display(),
                    l.offset
                );
            };
            check(k.body, "as stored");
            for pos in cuts(k.body.len()) {
                let mut b = k.body.to_vec();
                b[pos] ^= 0x5a;
                check(&b, &format!("byte {pos} flipped"));
            }
        }
    }
}

/// Vendor constructs that cannot be walked are named, not "unknown".
#[test]
fn vendor_types_are_named_in_the_error() {
    let with_aux = |aux: &[u8], ty: u8| {
        let mut f = b"REDIS0009".to_vec();
        f.push(0xfa);
        f.extend_from_slice(aux);
        f.extend_from_slice(&[0xfe, 0x00, ty, 0x01, b'k', 0x01, b'v', 0xff]);
        f
    };
    let cases: [(&[u8], u8, &str); 3] = [
        (
            b"\x06df-ver\x041.20",
            31,
            "Dragonfly hash with per-field expiry",
        ),
        (b"\x09redis-ver\x056.3.4", 64, "KeyDB cron job value"),
        (b"\x06df-ver\x041.20", 35, "Dragonfly count-min sketch"),
    ];
    for (aux, ty, what) in cases {
        let r = check_bytes(&with_aux(aux, ty), true).expect("header is fine");
        let e = r.first_error().expect("an error");
        assert_eq!(e.code, "unsupported", "{e:?}");
        assert!(e.message.contains(what), "{}", e.message);
    }
}
