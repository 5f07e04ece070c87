//! Byte strings as text, losslessly: JSON strings (or `{"base64": ...}`),
//! CSV cells, and redis-cli's quoted arguments.

/// Standard base64 (RFC 4648, with padding).
pub fn base64_encode(out: &mut Vec<u8>, b: &[u8]) {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut chunks = b.chunks_exact(3);
    for c in &mut chunks {
        let n = u32::from(c[0]) << 16 | u32::from(c[1]) << 8 | u32::from(c[2]);
        out.extend_from_slice(&[
            T[(n >> 18) as usize & 63],
            T[(n >> 12) as usize & 63],
            T[(n >> 6) as usize & 63],
            T[n as usize & 63],
        ]);
    }
    match *chunks.remainder() {
        [a] => {
            let n = u32::from(a) << 16;
            out.extend_from_slice(&[T[(n >> 18) as usize & 63], T[(n >> 12) as usize & 63]]);
            out.extend_from_slice(b"==");
        }
        [a, b] => {
            let n = u32::from(a) << 16 | u32::from(b) << 8;
            out.extend_from_slice(&[
                T[(n >> 18) as usize & 63],
                T[(n >> 12) as usize & 63],
                T[(n >> 6) as usize & 63],
                b'=',
            ]);
        }
        _ => {}
    }
}

/// Whether a byte must be escaped in a JSON string: control characters,
/// `"`, `\\`, and DEL (escaped too, for terminals).
fn json_escaped(c: u8) -> bool {
    c < 0x20 || c == b'"' || c == b'\\' || c == 0x7f
}

/// Whether any of the 8 bytes of `w` may need escaping (SWAR: a byte below
/// 0x20, or equal to `"`, `\\` or DEL). False positives are possible after a
/// matching byte, never false negatives; bytes of 0x80 and above never
/// match.
fn word_may_escape(w: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let below_space = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
    (below_space
        | zero(w ^ (ONES * u64::from(b'"')))
        | zero(w ^ (ONES * u64::from(b'\\')))
        | zero(w ^ (ONES * 0x7f)))
        != 0
}

/// A JSON string literal of valid UTF-8 text. Clean runs (almost all
/// text) are found eight bytes at a time and copied whole.
pub fn json_str(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let b = s.as_bytes();
    out.reserve(b.len() + 2);
    out.push(b'"');
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        if let Some(word) = b.get(i..i + 8) {
            let mut w = [0u8; 8];
            w.copy_from_slice(word);
            if !word_may_escape(u64::from_le_bytes(w)) {
                i += 8;
                continue;
            }
        }
        let end = (i + 8).min(b.len());
        while i < end {
            let c = b[i];
            if json_escaped(c) {
                out.extend_from_slice(&b[start..i]);
                match c {
                    b'"' => out.extend_from_slice(b"\\\""),
                    b'\\' => out.extend_from_slice(b"\\\\"),
                    b'\n' => out.extend_from_slice(b"\\n"),
                    b'\r' => out.extend_from_slice(b"\\r"),
                    b'\t' => out.extend_from_slice(b"\\t"),
                    _ => {
                        out.extend_from_slice(b"\\u00");
                        out.push(HEX[usize::from(c >> 4)]);
                        out.push(HEX[usize::from(c & 15)]);
                    }
                }
                start = i + 1;
            }
            i += 1;
        }
    }
    out.extend_from_slice(&b[start..]);
    out.push(b'"');
}

/// A byte string as JSON: a string when it is valid UTF-8, else
/// `{"base64":"..."}`.
pub fn json_bytes(out: &mut Vec<u8>, b: &[u8]) {
    match std::str::from_utf8(b) {
        Ok(s) => json_str(out, s),
        Err(_) => {
            out.extend_from_slice(b"{\"base64\":\"");
            base64_encode(out, b);
            out.extend_from_slice(b"\"}");
        }
    }
}

/// The prefix of a CSV cell that holds base64.
pub const CSV_BASE64: &[u8] = b"base64:";

/// A byte string as a CSV cell's text: itself when it is valid UTF-8 and
/// does not start with `base64:`, else `base64:` and its base64.
pub fn csv_text(out: &mut Vec<u8>, b: &[u8]) {
    if std::str::from_utf8(b).is_ok() && !b.starts_with(CSV_BASE64) {
        csv_cell(out, b);
    } else {
        out.extend_from_slice(CSV_BASE64);
        base64_encode(out, b);
    }
}

/// A CSV cell (RFC 4180): quoted, with quotes doubled, when it holds a
/// comma, a quote, a line break or leading/trailing spaces.
pub fn csv_cell(out: &mut Vec<u8>, b: &[u8]) {
    let quote = b.iter().any(|&c| matches!(c, b',' | b'"' | b'\n' | b'\r'))
        || b.first() == Some(&b' ')
        || b.last() == Some(&b' ');
    if !quote {
        out.extend_from_slice(b);
        return;
    }
    out.push(b'"');
    for &c in b {
        if c == b'"' {
            out.push(b'"');
        }
        out.push(c);
    }
    out.push(b'"');
}

/// One argument as redis-cli reads it back (`sds.c: sdssplitargs`): bare
/// when it is non-empty printable ASCII without spaces, quotes or
/// backslashes; else double-quoted with `sdscatrepr`'s escapes (`\n`,
/// `\r`, `\t`, `\a`, `\b`, `\\`, `\"`, `\xNN`).
pub fn cli_arg(out: &mut Vec<u8>, b: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bare = !b.is_empty()
        && b.iter()
            .all(|&c| c.is_ascii_graphic() && !matches!(c, b'"' | b'\'' | b'\\'));
    if bare {
        out.extend_from_slice(b);
        return;
    }
    out.push(b'"');
    for &c in b {
        match c {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'"' => out.extend_from_slice(b"\\\""),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x07 => out.extend_from_slice(b"\\a"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x20..=0x7e => out.push(c),
            _ => {
                out.extend_from_slice(b"\\x");
                out.push(HEX[usize::from(c >> 4)]);
                out.push(HEX[usize::from(c & 15)]);
            }
        }
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The escaping, one byte at a time, as the fast path must match.
    fn json_str_naive(s: &str) -> Vec<u8> {
        let mut out = vec![b'"'];
        for &c in s.as_bytes() {
            match c {
                b'"' => out.extend_from_slice(b"\\\""),
                b'\\' => out.extend_from_slice(b"\\\\"),
                b'\n' => out.extend_from_slice(b"\\n"),
                b'\r' => out.extend_from_slice(b"\\r"),
                b'\t' => out.extend_from_slice(b"\\t"),
                0..=0x1f | 0x7f => out.extend_from_slice(format!("\\u{c:04x}").as_bytes()),
                _ => out.push(c),
            }
        }
        out.push(b'"');
        out
    }

    #[test]
    fn json_str_fast_path_matches_byte_at_a_time() {
        let mut rng = crate::gen::Rng::new(7);
        let alphabet: Vec<char> = "ab \"\\\n\r\t\u{0}\u{1f}\u{7f}é€😀xyz0123456789"
            .chars()
            .collect();
        for len in 0..200 {
            for _ in 0..20 {
                let s: String = (0..len)
                    .map(|_| alphabet[rng.below(alphabet.len() as u64) as usize])
                    .collect();
                let mut out = Vec::new();
                json_str(&mut out, &s);
                assert_eq!(out, json_str_naive(&s), "{s:?}");
                let parsed: String = serde_json::from_slice(&out).expect("valid JSON");
                assert_eq!(parsed, s);
            }
        }
    }

    fn s(f: impl Fn(&mut Vec<u8>, &[u8]), b: &[u8]) -> String {
        let mut out = Vec::new();
        f(&mut out, b);
        String::from_utf8(out).expect("ascii")
    }

    #[test]
    fn base64_rfc4648_vectors() {
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(s(base64_encode, i.as_bytes()), o);
        }
    }

    #[test]
    fn json_round_trips_through_serde() {
        for b in [
            &b"plain"[..],
            b"quote\" back\\slash\nnl\ttab\x01\x7f",
            "ünïcode ✓".as_bytes(),
        ] {
            let text = s(json_bytes, b);
            let v: String = serde_json::from_str(&text).expect("valid JSON");
            assert_eq!(v.as_bytes(), b);
        }
        assert_eq!(s(json_bytes, b"\xff\x00a"), r#"{"base64":"/wBh"}"#);
    }

    #[test]
    fn csv_and_cli_forms() {
        assert_eq!(s(csv_text, b"a,b"), "\"a,b\"");
        assert_eq!(s(csv_text, b"say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(s(csv_text, b"base64:x"), "base64:YmFzZTY0Ong=");
        assert_eq!(s(csv_text, b"\xff"), "base64:/w==");
        assert_eq!(s(cli_arg, b"plain"), "plain");
        assert_eq!(s(cli_arg, b""), "\"\"");
        assert_eq!(s(cli_arg, b"a b\"\\\n\xff"), "\"a b\\\"\\\\\\n\\xff\"");
    }
}
