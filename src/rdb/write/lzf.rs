//! LZF compression for RDB strings (`lzf_c.c`, used by `rdbSaveLzfStringObject`
//! and by quicklist node compression).
//!
//! The `lzf` crate's compressor is a port of liblzf's, producing the same
//! token format `lzf_d.c` reads; its hash-table choices may pick different
//! back-references than Redis's build, so compressed bytes are valid and
//! equivalent but not guaranteed byte-identical to a server's.

/// Compresses `data`, returning the compressed bytes only when they fit in
/// `max_len` bytes (Redis passes `len - 4` as the output buffer size, so
/// compression that saves fewer than 4 bytes is not used).
pub fn compress_within(data: &[u8], max_len: usize) -> Option<Vec<u8>> {
    if data.len() < 2 || max_len == 0 {
        return None;
    }
    match lzf::compress(data) {
        Ok(c) if !c.is_empty() && c.len() <= max_len => Some(c),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rdb::primitives::lzf_decompress;

    #[test]
    fn compressed_data_expands_back() {
        let mut inputs: Vec<Vec<u8>> = vec![
            vec![b'x'; 1000],
            b"abcabcabcabcabcabcabcabcabcabc-hello-hello-hello".to_vec(),
            (0..5000u32).map(|i| (i % 251) as u8).collect(),
        ];
        let mut seed = 0x1234_5678u32;
        for n in [3usize, 21, 64, 300, 9000, 70000] {
            let v: Vec<u8> = (0..n)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 17;
                    seed ^= seed << 5;
                    // A small alphabet so that matches occur.
                    b'a' + (seed % 4) as u8
                })
                .collect();
            inputs.push(v);
        }
        for data in inputs {
            if let Some(c) = compress_within(&data, data.len() - 1) {
                assert!(c.len() < data.len());
                assert_eq!(lzf_decompress(&c, data.len() as u64).unwrap(), data);
            }
        }
        assert!(compress_within(&[b'a'; 100], 100).is_some());
    }

    #[test]
    fn incompressible_or_tiny_is_refused() {
        assert_eq!(compress_within(b"a", 10), None);
        assert_eq!(compress_within(b"abcdefghijklmnopqrstuvwxyz", 22), None);
    }
}
