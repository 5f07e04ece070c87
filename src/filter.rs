//! Which keys an inspect command (`dump`, `keys`) looks at: databases, a
//! Redis glob, a regular expression, types, expiry against a "now", a
//! minimum size and a count limit (issue #5).
//!
//! Everything here is decided from what a key record carries before its
//! value is decoded (db, name, type byte, expire, the value's size in the
//! file), so filtering costs no decoding.
//!
//! [`string_match`] is Redis's glob matcher (`util.c: stringmatchlen`),
//! byte for byte, so `--match` selects exactly the keys `SCAN MATCH` and
//! `KEYS` would.

use crate::model::ValueType;

/// What to do with keys whose expiry is already past "now".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExpiredFilter {
    /// Every key, expired or not (a file holds what it holds).
    #[default]
    Include,
    /// Only keys that are not expired (what a server loading the file as
    /// a master would keep).
    Exclude,
    /// Only expired keys.
    Only,
}

/// The selection shared by the inspect commands. The default selects
/// every key.
#[derive(Debug, Clone, Default)]
pub struct KeyFilter {
    /// Databases to keep; empty keeps all.
    pub dbs: Vec<u64>,
    /// A Redis glob pattern the key name must match.
    pub pattern: Option<Vec<u8>>,
    /// A regular expression the key name must match (unanchored: use
    /// `^...$` for the whole name).
    pub regex: Option<regex::bytes::Regex>,
    /// Types to keep; empty keeps all.
    pub types: Vec<ValueType>,
    /// Expired keys: include, exclude, or only them.
    pub expired: ExpiredFilter,
    /// "Now" for expiry, Unix ms. `None`: the file's `ctime` aux field,
    /// else [`KeyFilter::fallback_now_ms`].
    pub now_ms: Option<i64>,
    /// "Now" when neither [`KeyFilter::now_ms`] nor a `ctime` is known
    /// (the caller passes the wall clock: the library does not read it).
    pub fallback_now_ms: i64,
    /// Keep only values of at least this many bytes, counted as the value
    /// takes in an RDB file.
    pub min_size: Option<u64>,
    /// Stop after this many keys.
    pub limit: Option<u64>,
}

/// What [`KeyFilter::accepts`] needs to know of a key.
#[derive(Debug, Clone, Copy)]
pub struct KeyFacts<'a> {
    /// Database number.
    pub db: u64,
    /// Key name.
    pub key: &'a [u8],
    /// Logical type.
    pub value_type: ValueType,
    /// Absolute expiry, Unix ms.
    pub expire_ms: Option<i64>,
    /// The value's size in bytes, as stored in an RDB.
    pub size: u64,
}

impl KeyFilter {
    /// True when the filter selects keys by anything but the limit and
    /// expiry (a dump then leaves out what is not a key: function
    /// libraries).
    pub fn selects_keys(&self) -> bool {
        !self.dbs.is_empty()
            || self.pattern.is_some()
            || self.regex.is_some()
            || !self.types.is_empty()
            || self.min_size.is_some()
    }

    /// The "now" expiry is judged against, given the file's `ctime` in
    /// Unix seconds when it has one.
    pub fn now(&self, file_ctime: Option<i64>) -> i64 {
        self.now_ms
            .or(file_ctime.map(|s| s.saturating_mul(1000)))
            .unwrap_or(self.fallback_now_ms)
    }

    /// True when the database is selected (a reader can skip the rest of
    /// a database otherwise).
    pub fn accepts_db(&self, db: u64) -> bool {
        self.dbs.is_empty() || self.dbs.contains(&db)
    }

    /// True when the key is selected; `now_ms` from [`KeyFilter::now`].
    /// The limit is the caller's to count.
    pub fn accepts(&self, k: &KeyFacts<'_>, now_ms: i64) -> bool {
        if !self.accepts_db(k.db) {
            return false;
        }
        if !self.types.is_empty() && !self.types.contains(&k.value_type) {
            return false;
        }
        if self.min_size.is_some_and(|m| k.size < m) {
            return false;
        }
        // A key expires when its time is strictly before now
        // (`db.c: keyIsExpired`).
        let expired = k.expire_ms.is_some_and(|ms| ms < now_ms);
        match self.expired {
            ExpiredFilter::Include => {}
            ExpiredFilter::Exclude if expired => return false,
            ExpiredFilter::Only if !expired => return false,
            _ => {}
        }
        if let Some(p) = &self.pattern {
            // `KEYS *` and `SCAN MATCH *` skip matching (`allkeys`), so `*`
            // also selects the empty key name, which stringmatchlen alone
            // would not.
            if p.as_slice() != b"*" && !string_match(p, k.key, false) {
                return false;
            }
        }
        if let Some(re) = &self.regex {
            if !re.is_match(k.key) {
                return false;
            }
        }
        true
    }
}

/// Redis's glob match (`util.c: stringmatchlen`, as in Redis 7.0.15):
/// `*`, `?`, `[...]` with ranges (either order) and `^` negation, `\`
/// escapes; with `nocase`, ASCII letters match either case.
///
/// Quirks kept from Redis: `*` does not match the empty string (KEYS and
/// SCAN special-case the pattern `*`, and so does [`KeyFilter`]), bytes compare as C's signed `char` in ranges
/// (`[a-\xff]` is an empty range for ASCII), an unterminated `[` matches
/// as if closed at the end of the pattern, and recursion deeper than 1000
/// `*` fails the match.
pub fn string_match(pattern: &[u8], string: &[u8], nocase: bool) -> bool {
    let mut skip_longer = false;
    match_impl(pattern, string, nocase, &mut skip_longer, 0)
}

/// The byte at `i`, or the C string terminator past the end (Redis reads
/// `pattern[1]` and `*pattern` there).
fn at(b: &[u8], i: usize) -> u8 {
    b.get(i).copied().unwrap_or(0)
}

fn lower(c: i32) -> i32 {
    if (i32::from(b'A')..=i32::from(b'Z')).contains(&c) {
        c + 32
    } else {
        c
    }
}

/// C's `char` is signed on the platforms Redis ships for.
fn signed(b: u8) -> i32 {
    i32::from(b as i8)
}

fn match_impl(pat: &[u8], s: &[u8], nocase: bool, skip_longer: &mut bool, nesting: u32) -> bool {
    if nesting > 1000 {
        return false;
    }
    // `p` and `i` index the pattern and the string; the remaining lengths
    // are `pat.len() - p` and `s.len() - i`, as in the C code.
    let (mut p, mut i) = (0usize, 0usize);
    while p < pat.len() && i < s.len() {
        match pat[p] {
            b'*' => {
                while p < pat.len() && at(pat, p + 1) == b'*' {
                    p += 1;
                }
                if pat.len() - p == 1 {
                    return true;
                }
                while i < s.len() {
                    if match_impl(&pat[p + 1..], &s[i..], nocase, skip_longer, nesting + 1) {
                        return true;
                    }
                    if *skip_longer {
                        return false;
                    }
                    i += 1;
                }
                *skip_longer = true;
                return false;
            }
            b'?' => i += 1,
            b'[' => {
                p += 1;
                let not = at(pat, p) == b'^';
                if not {
                    p += 1;
                }
                let mut matched = false;
                let c = s[i];
                loop {
                    let rem = pat.len().saturating_sub(p);
                    if at(pat, p) == b'\\' && rem >= 2 {
                        p += 1;
                        if at(pat, p) == c {
                            matched = true;
                        }
                    } else if at(pat, p) == b']' {
                        break;
                    } else if rem == 0 {
                        p -= 1;
                        break;
                    } else if rem >= 3 && at(pat, p + 1) == b'-' {
                        let (mut start, mut end) = (signed(at(pat, p)), signed(at(pat, p + 2)));
                        let mut ch = signed(c);
                        if start > end {
                            std::mem::swap(&mut start, &mut end);
                        }
                        if nocase {
                            start = lower(start);
                            end = lower(end);
                            ch = lower(ch);
                        }
                        p += 2;
                        if ch >= start && ch <= end {
                            matched = true;
                        }
                    } else if nocase {
                        if lower(signed(at(pat, p))) == lower(signed(c)) {
                            matched = true;
                        }
                    } else if at(pat, p) == c {
                        matched = true;
                    }
                    p += 1;
                }
                if not {
                    matched = !matched;
                }
                if !matched {
                    return false;
                }
                i += 1;
            }
            first => {
                let mut pc = first;
                if first == b'\\' && pat.len() - p >= 2 {
                    p += 1;
                    pc = pat[p];
                }
                let same = if nocase {
                    lower(signed(pc)) == lower(signed(s[i]))
                } else {
                    pc == s[i]
                };
                if !same {
                    return false;
                }
                i += 1;
            }
        }
        p += 1;
        if i == s.len() {
            while at(pat, p) == b'*' && p < pat.len() {
                p += 1;
            }
            break;
        }
    }
    p >= pat.len() && i == s.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, s: &str) -> bool {
        string_match(p.as_bytes(), s.as_bytes(), false)
    }

    #[test]
    fn redis_glob_rules() {
        assert!(
            !m("*", ""),
            "Redis's own quirk: KEYS and SCAN special-case `*`"
        );
        assert!(m("*", "anything"));
        assert!(m("user:*", "user:1"));
        assert!(!m("user:*", "users:1"));
        assert!(m("h?llo", "hello"));
        assert!(!m("h?llo", "hllo"));
        assert!(m("h[ae]llo", "hallo"));
        assert!(!m("h[ae]llo", "hillo"));
        assert!(m("h[^e]llo", "hallo"));
        assert!(!m("h[^e]llo", "hello"));
        assert!(m("h[a-b]llo", "hbllo"));
        assert!(m("h[b-a]llo", "hbllo"), "reversed range");
        assert!(!m("h[a-b]llo", "hcllo"));
        assert!(m("h\\*llo", "h*llo"));
        assert!(!m("h\\*llo", "hello"));
        assert!(m("a[\\]]b", "a]b"));
        assert!(!m("a[", "a"), "a pattern left over fails, as in Redis");
        assert!(m("a[b", "ab"), "unterminated class");
        assert!(m("*a*b*", "xxaxxbxx"));
        assert!(!m("*a*b", "xxaxxbxxc"));
        assert!(m("a**", "a"));
        assert!(m("a*", "a"));
        assert!(!m("", "a"));
        assert!(m("", ""));
        assert!(!m("a", ""));
        assert!(m("\\", "\\"), "a lone backslash matches itself");
        assert!(string_match(b"HELLO", b"hello", true));
        assert!(string_match(b"h[A-Z]llo", b"hello", true));
        assert!(!string_match(b"h[A-Z]llo", b"hello", false));
        assert!(string_match(b"k\xff*", b"k\xff\x00", false));
    }

    #[test]
    fn pathological_pattern_is_fast() {
        let pat = "a*".repeat(30) + "b";
        let s = "a".repeat(60);
        assert!(!m(&pat, &s));
    }

    #[test]
    fn filter_expiry_against_ctime() {
        let f = KeyFilter {
            expired: ExpiredFilter::Only,
            fallback_now_ms: 5,
            ..KeyFilter::default()
        };
        let k = KeyFacts {
            db: 0,
            key: b"k",
            value_type: ValueType::String,
            expire_ms: Some(1500),
            size: 1,
        };
        assert!(f.accepts(&k, f.now(Some(2))));
        assert!(!f.accepts(&k, f.now(None)));
        assert!(!f.accepts(&k, f.now(Some(1))));
    }
}
