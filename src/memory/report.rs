//! rdbtools' `rdb -c memory` CSV: its header, its type names and its
//! expiry format, with lossless key cells (as `dump --format csv`).

use std::io::{self, Write};

use crate::export::text::csv_text;
use crate::model::ValueType;

use super::KeyMemory;

/// rdbtools' header line.
pub const CSV_HEADER: &str =
    "database,type,key,size_in_bytes,encoding,num_elements,len_largest_element,expiry";

/// rdbtools' name for a type (`sortedset` for a zset).
pub fn type_name(t: ValueType) -> &'static str {
    match t {
        ValueType::Zset => "sortedset",
        other => other.name(),
    }
}

/// An expiry as rdbtools prints it: Python's `datetime.isoformat()` of the
/// UTC time, `YYYY-MM-DDTHH:MM:SS` with `.ffffff` only when there are
/// sub-second digits; times past year 9000 are clamped as rdbtools does.
pub fn expiry_text(ms: i64) -> String {
    const MAX_SECS: i64 = 221_925_052_800;
    let secs = ms.div_euclid(1000).min(MAX_SECS);
    let frac = ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let tod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let mut s = format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
        tod / 3600,
        tod / 60 % 60,
        tod % 60
    );
    if frac != 0 {
        s.push_str(&format!(".{:06}", frac * 1000));
    }
    s
}

/// Year, month, day of a count of days since 1970-01-01 (proleptic
/// Gregorian; H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// One key of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemoryRow {
    /// Database.
    pub db: u64,
    /// Key name.
    pub key: Vec<u8>,
    /// Type.
    pub value_type: ValueType,
    /// Absolute expiry, Unix ms.
    pub expire_ms: Option<i64>,
    /// The estimate.
    pub memory: KeyMemory,
}

/// Writes one CSV line in rdbtools' column order.
pub fn write_csv_row(
    out: &mut impl Write,
    buf: &mut Vec<u8>,
    db: u64,
    key: &[u8],
    value_type: ValueType,
    expire_ms: Option<i64>,
    m: &KeyMemory,
) -> io::Result<()> {
    buf.clear();
    buf.extend_from_slice(format!("{db},{},", type_name(value_type)).as_bytes());
    csv_text(buf, key);
    buf.extend_from_slice(
        format!(
            ",{},{},{},{},",
            m.bytes,
            m.value.encoding.name(),
            m.value.num_elements,
            m.value.len_largest_element
        )
        .as_bytes(),
    );
    if let Some(ms) = expire_ms {
        buf.extend_from_slice(expiry_text(ms).as_bytes());
    }
    buf.push(b'\n');
    out.write_all(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_like_python_isoformat() {
        assert_eq!(expiry_text(1_671_963_072_573), "2022-12-25T10:11:12.573000");
        assert_eq!(expiry_text(4_102_444_800_000), "2100-01-01T00:00:00");
        assert_eq!(expiry_text(0), "1970-01-01T00:00:00");
        assert_eq!(expiry_text(-1), "1969-12-31T23:59:59.999000");
        assert_eq!(expiry_text(951_782_400_000), "2000-02-29T00:00:00");
    }
}
