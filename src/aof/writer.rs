//! Commands to RESP bytes, in the exact form `aof.c:
//! catAppendOnlyGenericCommand()` writes (canonical decimal lengths, CRLF).

use std::io::{self, Write};

/// Writes one record: `*<argc>\r\n` then `$<len>\r\n<bytes>\r\n` per argument.
pub fn write_command<W: Write, A: AsRef<[u8]>>(w: &mut W, args: &[A]) -> io::Result<()> {
    write!(w, "*{}\r\n", args.len())?;
    for a in args {
        let a = a.as_ref();
        write!(w, "${}\r\n", a.len())?;
        w.write_all(a)?;
        w.write_all(b"\r\n")?;
    }
    Ok(())
}

/// [`write_command`] into a fresh buffer.
pub fn encode_command<A: AsRef<[u8]>>(args: &[A]) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = write_command(&mut out, args);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_redis() {
        assert_eq!(
            encode_command(&["SET", "k", ""]),
            b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n".to_vec()
        );
    }
}
