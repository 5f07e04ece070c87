//! Intset encoder (`intset.c` `intsetAdd`): sorted unique integers at the
//! narrowest width that holds them all.
//!
//! ```text
//! u32le encoding (2, 4, 8)  u32le length  length × int (little-endian, ascending)
//! ```

use super::BlobTooLarge;

/// Encodes `values` (any order, duplicates dropped) as an intset.
pub fn encode(values: &[i64]) -> Result<Vec<u8>, BlobTooLarge> {
    let mut v = values.to_vec();
    v.sort_unstable();
    v.dedup();
    let width: usize = if v.iter().all(|&x| i16::try_from(x).is_ok()) {
        2
    } else if v.iter().all(|&x| i32::try_from(x).is_ok()) {
        4
    } else {
        8
    };
    let len = u32::try_from(v.len()).map_err(|_| BlobTooLarge {
        what: "intset",
        size: (v.len() * width) as u64,
    })?;
    let mut out = Vec::with_capacity(8 + v.len() * width);
    out.extend_from_slice(&(width as u32).to_le_bytes());
    out.extend_from_slice(&len.to_le_bytes());
    for x in v {
        out.extend_from_slice(&x.to_le_bytes()[..width]);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rdb::encoding::{intset, Depth};

    #[test]
    fn narrowest_width_sorted() {
        assert_eq!(
            encode(&[3, -1, 3]).unwrap(),
            [2, 0, 0, 0, 2, 0, 0, 0, 0xff, 0xff, 3, 0]
        );
        for (vals, width) in [
            (vec![i64::from(i16::MAX), i64::from(i16::MIN)], 2u8),
            (vec![1, 32768], 4),
            (vec![-32769], 4),
            (vec![i64::from(i32::MAX) + 1, 0], 8),
            (vec![i64::MIN, i64::MAX], 8),
        ] {
            let b = encode(&vals).unwrap();
            assert_eq!(b[0], width);
            assert_eq!(intset::validate(&b, Depth::Deep), Ok(vals.len() as u64));
            let mut got: Vec<i64> = intset::iter(&b).unwrap().collect();
            let mut want = vals.clone();
            want.sort_unstable();
            got.sort_unstable();
            assert_eq!(got, want);
        }
    }
}
