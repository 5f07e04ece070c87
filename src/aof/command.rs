//! An owned command: the unit the replay engine consumes.
//!
//! The model has no command type yet, so it lives here; the parser's borrowed
//! [`RawCommand`](super::resp::RawCommand) converts into it explicitly.

/// One command as read from an AOF: its argument vector and where it started.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Command {
    /// The arguments, command name first, as raw bytes.
    pub args: Vec<Vec<u8>>,
    /// Absolute byte offset of the record's `*` in its file.
    pub offset: u64,
}

impl Command {
    /// The command name as written (Redis keeps the client's case).
    pub fn name(&self) -> Option<&[u8]> {
        self.args.first().map(Vec::as_slice)
    }

    /// Compares the name case-insensitively, as the server's command lookup does.
    pub fn is(&self, name: &str) -> bool {
        self.name()
            .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
    }
}

/// `strcasecmp(arg, name) == 0` where `arg` is a C string: redis-check-aof
/// compares the first argument only up to its first NUL byte, so
/// `"multi\0junk"` counts as `MULTI` there and must count here too.
pub(crate) fn c_str_eq_ignore_case(arg: &[u8], name: &[u8]) -> bool {
    let end = arg.iter().position(|&b| b == 0).unwrap_or(arg.len());
    arg[..end].eq_ignore_ascii_case(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_is_case_insensitive() {
        let c = Command {
            args: vec![b"sElEcT".to_vec(), b"1".to_vec()],
            offset: 0,
        };
        assert!(c.is("SELECT"));
        assert!(!c.is("SET"));
        let empty = Command {
            args: vec![],
            offset: 0,
        };
        assert!(!empty.is("SET"));
    }

    #[test]
    fn c_string_comparison_stops_at_nul() {
        assert!(c_str_eq_ignore_case(b"MuLtI", b"multi"));
        assert!(c_str_eq_ignore_case(b"multi\0xyz", b"multi"));
        assert!(!c_str_eq_ignore_case(b"multix", b"multi"));
        assert!(!c_str_eq_ignore_case(b"mul\0ti", b"multi"));
    }
}
