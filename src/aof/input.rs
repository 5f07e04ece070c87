//! A refillable window over a reader, addressed by absolute file offsets.
//!
//! Memory holds at most what the caller asks to keep (the item being parsed)
//! plus one read chunk, so it grows with the largest record and never with the
//! file.

use std::io::{self, Read};

/// Bytes requested from the reader per refill.
const CHUNK: usize = 64 * 1024;

/// Longest resync pattern `*<19 digits>\r\n$` we look for.
const RESYNC_MAX: usize = 1 + 19 + 3;

pub(crate) struct Input<R> {
    reader: R,
    buf: Vec<u8>,
    /// Index in `buf` of the next unconsumed byte.
    pos: usize,
    /// Absolute offset of `buf[0]`.
    base: u64,
    eof: bool,
}

impl<R: Read> Input<R> {
    pub fn new(reader: R, start_offset: u64) -> Self {
        Input {
            reader,
            buf: Vec::new(),
            pos: 0,
            base: start_offset,
            eof: false,
        }
    }

    /// Absolute offset of the next unconsumed byte.
    pub fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// The unconsumed bytes currently buffered.
    pub fn data(&self) -> &[u8] {
        &self.buf[self.pos..]
    }

    pub fn consume(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.buf.len());
    }

    /// Moves back to an absolute offset if it is still buffered.
    pub fn rewind_to(&mut self, offset: u64) -> bool {
        match offset.checked_sub(self.base).map(usize::try_from) {
            Some(Ok(i)) if i <= self.buf.len() => {
                self.pos = i;
                true
            }
            _ => false,
        }
    }

    /// Reads at least one more chunk (or up to `want` extra bytes), dropping
    /// everything before `keep_from`. Returns the number of bytes added; 0
    /// means end of file.
    pub fn fill(&mut self, keep_from: u64, want: usize) -> io::Result<usize> {
        if self.eof {
            return Ok(0);
        }
        let keep = keep_from
            .checked_sub(self.base)
            .and_then(|k| usize::try_from(k).ok())
            .unwrap_or(0)
            .min(self.pos);
        if keep > 0 {
            self.buf.drain(..keep);
            self.pos -= keep;
            self.base += keep as u64;
        }
        let want = want.max(CHUNK);
        let old_len = self.buf.len();
        self.buf.resize(old_len + want, 0);
        let mut filled = 0;
        while filled < want {
            match self.reader.read(&mut self.buf[old_len + filled..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => {
                    filled += n;
                    // One successful read per call keeps latency low on
                    // pipes; big `want`s loop until satisfied.
                    if want == CHUNK {
                        break;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.buf.truncate(old_len);
                    return Err(e);
                }
            }
        }
        self.buf.truncate(old_len + filled);
        Ok(filled)
    }

    /// Makes `n` unconsumed bytes available if the file has them.
    pub fn ensure(&mut self, n: usize, keep_from: u64) -> io::Result<bool> {
        while self.data().len() < n {
            let missing = n - self.data().len();
            if self.fill(keep_from, missing)? == 0 {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Skips `n` bytes without keeping them; returns how many existed.
    pub fn skip(&mut self, n: u64) -> io::Result<u64> {
        let mut left = n;
        loop {
            let have = self.data().len() as u64;
            let step = have.min(left);
            self.consume(step as usize);
            left -= step;
            if left == 0 {
                return Ok(n);
            }
            let here = self.offset();
            if self.fill(here, 0)? == 0 {
                return Ok(n - left);
            }
        }
    }

    /// Consumes everything up to end of file.
    pub fn skip_to_end(&mut self) -> io::Result<()> {
        self.skip(u64::MAX).map(|_| ())
    }

    /// Advances to the next plausible record start, `*<n>\r\n$` with `n` a
    /// canonical positive decimal, searching from the current position.
    /// Returns its offset, or `None` (and everything consumed) at end of file.
    pub fn find_resync(&mut self) -> io::Result<Option<u64>> {
        loop {
            let data = self.data();
            let mut i = 0;
            let mut need_more = false;
            while let Some(star) = data[i..].iter().position(|&b| b == b'*') {
                let at = i + star;
                match match_resync(&data[at..]) {
                    Some(true) => {
                        self.consume(at);
                        return Ok(Some(self.offset()));
                    }
                    Some(false) => i = at + 1,
                    None if self.eof => i = at + 1,
                    None => {
                        // Keep the partial candidate and read more.
                        self.consume(at);
                        need_more = true;
                        break;
                    }
                }
            }
            if !need_more {
                let len = self.data().len();
                self.consume(len);
            }
            let here = self.offset();
            // At end of file a pending candidate is decided with what
            // exists on the next pass (it counts as no match).
            if self.fill(here, RESYNC_MAX)? == 0 && !need_more {
                return Ok(None);
            }
        }
    }
}

/// `Some(true)` if `s` starts with `*[1-9][0-9]{0,18}\r\n$`, `Some(false)`
/// if it cannot, `None` if more bytes are needed to tell.
fn match_resync(s: &[u8]) -> Option<bool> {
    let digits = s[1..].iter().take_while(|b| b.is_ascii_digit()).count();
    if digits > 19 || s.get(1) == Some(&b'0') {
        return Some(false);
    }
    let rest = &s[1 + digits..];
    if rest.is_empty() {
        return None;
    }
    if digits == 0 {
        return Some(false);
    }
    let want = b"\r\n$";
    let n = rest.len().min(3);
    if rest[..n] != want[..n] {
        return Some(false);
    }
    (n == 3).then_some(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that returns one byte per read, to exercise refills.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            match (self.0.split_first(), buf.first_mut()) {
                (Some((&b, rest)), Some(slot)) => {
                    *slot = b;
                    self.0 = rest;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }

    #[test]
    fn resync_pattern() {
        assert_eq!(match_resync(b"*3\r\n$"), Some(true));
        assert_eq!(match_resync(b"*3\r\n*"), Some(false));
        assert_eq!(match_resync(b"*03\r\n$"), Some(false));
        assert_eq!(match_resync(b"*\r\n$"), Some(false));
        assert_eq!(match_resync(b"*12"), None);
        assert_eq!(match_resync(b"*12\r"), None);
    }

    #[test]
    fn finds_resync_across_refills() {
        let data = b"xx**3\r\nzz*2\r\n$4\r\n";
        let mut input = Input::new(Trickle(data), 100);
        assert_eq!(input.find_resync().ok().flatten(), Some(109));
        assert!(input.data().starts_with(b"*2"));
        input.consume(1);
        assert_eq!(input.find_resync().ok().flatten(), None);
        assert_eq!(input.offset(), 100 + data.len() as u64);
    }

    #[test]
    fn ensure_skip_and_rewind() -> io::Result<()> {
        let data: Vec<u8> = (0..=255).collect();
        let mut input = Input::new(Trickle(&data), 0);
        assert!(input.ensure(10, 0)?);
        input.consume(5);
        assert!(input.rewind_to(2));
        assert_eq!(input.data()[0], 2);
        assert_eq!(input.skip(100)?, 100);
        assert_eq!(input.offset(), 102);
        assert_eq!(input.skip(1000)?, 154);
        assert!(!input.ensure(1, 0)?);
        Ok(())
    }
}
