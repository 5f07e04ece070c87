//! LZF decompression (the format of `lzf_d.c`), written for speed on the
//! read path: literal runs and non-overlapping back references are copied
//! as slices, where the `lzf` crate copies byte by byte. `dump` of a 1 GB
//! RDB with compressible strings spends a tenth of its time here; the
//! README's design notes give the measurement. Compression stays with the
//! `lzf` crate (the writer is not the bottleneck).
//!
//! ```text
//! ctrl < 32:   literal run of ctrl + 1 bytes follows
//! ctrl >= 32:  back reference: len = ctrl >> 5 (7: add the next byte),
//!              offset = ((ctrl & 31) << 8 | next byte) + 1,
//!              copy len + 2 bytes from offset bytes back
//! ```

/// Why LZF data could not be expanded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LzfError {
    /// The data ends inside an instruction.
    #[error("the data ends inside an instruction at byte {0}")]
    Truncated(usize),
    /// A back reference points before the start of the output.
    #[error("back reference before the start of the output at byte {0}")]
    BadReference(usize),
    /// The output would exceed the declared length.
    #[error("expands beyond the declared length at byte {0}")]
    TooLong(usize),
    /// The declared length is more than the data can expand to.
    #[error("a declared length of {0} bytes is beyond what LZF can expand to")]
    Implausible(usize),
    /// The output is shorter than the declared length.
    #[error("expands to {0} bytes, fewer than declared")]
    TooShort(usize),
}

/// The most LZF expands: a 3-byte back reference emits 264 bytes.
const MAX_RATIO: usize = 89;

/// Expands `data` into exactly `ulen` bytes. A `ulen` beyond what `data`
/// can expand to is refused before anything is allocated.
pub fn decompress(data: &[u8], ulen: usize) -> Result<Vec<u8>, LzfError> {
    if ulen > data.len().saturating_mul(MAX_RATIO) + 64 {
        return Err(LzfError::Implausible(ulen));
    }
    let mut out: Vec<u8> = Vec::with_capacity(ulen);
    let mut i = 0;
    while i < data.len() {
        let ctrl = usize::from(data[i]);
        let at = i;
        i += 1;
        if ctrl < 32 {
            let n = ctrl + 1;
            let run = data.get(i..i + n).ok_or(LzfError::Truncated(at))?;
            if out.len() + n > ulen {
                return Err(LzfError::TooLong(at));
            }
            out.extend_from_slice(run);
            i += n;
            continue;
        }
        let mut n = ctrl >> 5;
        if n == 7 {
            n += usize::from(*data.get(i).ok_or(LzfError::Truncated(at))?);
            i += 1;
        }
        n += 2;
        let low = usize::from(*data.get(i).ok_or(LzfError::Truncated(at))?);
        i += 1;
        let back = ((ctrl & 31) << 8 | low) + 1;
        if back > out.len() {
            return Err(LzfError::BadReference(at));
        }
        if out.len() + n > ulen {
            return Err(LzfError::TooLong(at));
        }
        let start = out.len() - back;
        if back >= n {
            out.extend_from_within(start..start + n);
        } else {
            // Overlapping: the copy repeats the last `back` bytes.
            for k in 0..n {
                let b = out[start + k];
                out.push(b);
            }
        }
    }
    if out.len() != ulen {
        return Err(LzfError::TooShort(out.len()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_what_the_lzf_crate_compresses() {
        let mut rng = crate::gen::Rng::new(11);
        for len in [
            1usize, 2, 3, 7, 31, 32, 33, 100, 264, 265, 1000, 8192, 70_000,
        ] {
            for alphabet in [2u64, 4, 26, 256] {
                let data: Vec<u8> = (0..len)
                    .map(|i| {
                        if i % 50 < 25 {
                            b'a' + (i % 7) as u8
                        } else {
                            rng.below(alphabet) as u8
                        }
                    })
                    .collect();
                let Ok(c) = lzf::compress(&data) else {
                    continue;
                };
                assert_eq!(decompress(&c, data.len()), Ok(data.clone()), "len {len}");
                assert_eq!(
                    decompress(&c, data.len()).ok(),
                    lzf::decompress(&c, data.len()).ok()
                );
                // Declared lengths that do not match are refused.
                assert!(decompress(&c, data.len() + 1).is_err());
                if len > 1 {
                    assert!(decompress(&c, data.len() - 1).is_err());
                }
                // Every cut is refused, never a panic (small inputs: the
                // check is quadratic).
                for cut in (0..c.len()).filter(|_| len <= 1000) {
                    assert!(decompress(&c[..cut], data.len()).is_err());
                }
            }
        }
    }

    #[test]
    fn refuses_an_implausible_length_before_allocating() {
        assert_eq!(
            decompress(&[0x00, b'a'], usize::MAX),
            Err(LzfError::Implausible(usize::MAX))
        );
    }

    #[test]
    fn refuses_a_reference_before_the_start() {
        // A back reference as the first instruction.
        assert_eq!(decompress(&[0x20, 0x00], 3), Err(LzfError::BadReference(0)));
        // Overlapping run: "a" then 9 copies of it.
        assert_eq!(
            decompress(&[0x00, b'a', 0xe0, 0x00, 0x00], 10),
            Ok(vec![b'a'; 10])
        );
    }
}
