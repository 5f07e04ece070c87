//! Module values, module aux data and key metadata: walked without the
//! module (spec §13; `rdbLoadCheckModuleValue`).
//!
//! ```text
//! module id: u64 = 9 chars x 6 bits (first char highest) | 10-bit encver
//! items:     ( LEN opcode payload )* LEN 0
//!            1 SINT LEN | 2 UINT LEN | 3 FLOAT f32le | 4 DOUBLE f64le | 5 STRING STR
//! ```

use super::consts::*;
use super::error::RdbErrorKind;
use super::primitives::{bytes, fail, len, rdb_str, PResult};

/// Module type name alphabet (`ModuleTypeNameCharSet`): ends with `-_`.
const MODULE_CHARSET: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Key metadata class alphabet (`keyMetaCharSet`): ends with `_-`.
const KEYMETA_CHARSET: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

/// The 9-character module type name encoded in a module id.
pub fn module_name(id: u64) -> String {
    let mut name = [0u8; 9];
    let mut v = id >> 10;
    for slot in name.iter_mut().rev() {
        *slot = MODULE_CHARSET[(v & 63) as usize];
        v >>= 6;
    }
    String::from_utf8_lossy(&name).into_owned()
}

/// The module's data format version in a module id.
pub fn module_encver(id: u64) -> u16 {
    (id & 1023) as u16
}

/// The 4-character class name, version and flags of a key metadata class
/// spec (`keyMetaClassDecode`).
pub fn keymeta_class(spec: u32) -> (String, u8, u8) {
    let mut name = [0u8; 4];
    let mut v = spec >> 8;
    for slot in name.iter_mut().rev() {
        *slot = KEYMETA_CHARSET[(v & 63) as usize];
        v >>= 6;
    }
    (
        String::from_utf8_lossy(&name).into_owned(),
        ((spec >> 3) & 31) as u8,
        (spec & 7) as u8,
    )
}

/// Walks module items up to and including the EOF item.
pub fn skip_module_items(mut i: &[u8]) -> PResult<'_, ()> {
    loop {
        let start = i;
        let (rest, op) = len(i)?;
        i = match op {
            RDB_MODULE_OPCODE_EOF => return Ok((rest, ())),
            RDB_MODULE_OPCODE_SINT | RDB_MODULE_OPCODE_UINT => len(rest)?.0,
            RDB_MODULE_OPCODE_FLOAT => bytes(rest, 4)?.0,
            RDB_MODULE_OPCODE_DOUBLE => bytes(rest, 8)?.0,
            RDB_MODULE_OPCODE_STRING => rdb_str(rest)?.0,
            other => return fail(start, RdbErrorKind::BadModuleOpcode(other)),
        };
    }
}

/// Walks a `KEY_META` block after its opcode: `LEN n`, n × (u32le class
/// spec, module items).
pub fn skip_key_meta(i: &[u8]) -> PResult<'_, ()> {
    let (mut i, n) = len(i)?;
    if n > 7 {
        return fail(
            i,
            RdbErrorKind::Invalid(format!("key metadata with {n} classes, at most 7 exist")),
        );
    }
    for _ in 0..n {
        let (rest, _spec) = bytes(i, 4)?;
        i = skip_module_items(rest)?.0;
    }
    Ok((i, ()))
}

/// One decoded module item, for dumps.
#[derive(Debug, Clone, PartialEq)]
pub enum ModuleItem {
    /// SINT
    Signed(i64),
    /// UINT
    Unsigned(u64),
    /// FLOAT
    Float(f32),
    /// DOUBLE
    Double(f64),
    /// STRING
    String(Vec<u8>),
}

/// Decodes module items (without the EOF item) from a walked body.
pub fn module_items(mut i: &[u8]) -> Result<Vec<ModuleItem>, RdbErrorKind> {
    let mut out = Vec::new();
    let err = |e: nom::Err<super::error::PError>| match e {
        nom::Err::Incomplete(_) => RdbErrorKind::Invalid("module value ends early".into()),
        nom::Err::Error(e) | nom::Err::Failure(e) => e.kind,
    };
    loop {
        let (rest, op) = len(i).map_err(err)?;
        let (rest, item) = match op {
            RDB_MODULE_OPCODE_EOF => return Ok(out),
            RDB_MODULE_OPCODE_SINT => {
                let (r, v) = len(rest).map_err(err)?;
                (r, ModuleItem::Signed(v as i64))
            }
            RDB_MODULE_OPCODE_UINT => {
                let (r, v) = len(rest).map_err(err)?;
                (r, ModuleItem::Unsigned(v))
            }
            RDB_MODULE_OPCODE_FLOAT => {
                let (r, v) = super::primitives::float_bin(rest).map_err(err)?;
                (r, ModuleItem::Float(v))
            }
            RDB_MODULE_OPCODE_DOUBLE => {
                let (r, v) = super::primitives::double_bin(rest).map_err(err)?;
                (r, ModuleItem::Double(v))
            }
            RDB_MODULE_OPCODE_STRING => {
                let (r, s) = rdb_str(rest).map_err(err)?;
                (r, ModuleItem::String(s.to_bytes()?.into_owned()))
            }
            other => return Err(RdbErrorKind::BadModuleOpcode(other)),
        };
        out.push(item);
        i = rest;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_names_from_spec() {
        assert_eq!(module_name(0x45e25238df912c00), "ReJSON-RL");
        assert_eq!(module_name(0x82b6a985d6ad680d), "graphdata");
        assert_eq!(module_encver(0x82b6a985d6ad680d), 13);
        assert_eq!(module_name(0xb5eb2dfffadd6c01), "test__rdb");
    }

    #[test]
    fn keymeta_class_from_spec() {
        assert_eq!(keymeta_class(0x28C4F509), ("KMT1".to_string(), 1, 1));
    }

    #[test]
    fn module_item_walk() {
        let body = [2, 1, 5, 2, b'h', b'i', 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9];
        let (rest, ()) = skip_module_items(&body).unwrap();
        assert_eq!(rest, &[9]);
        assert!(skip_module_items(&[6]).is_err());
        assert!(matches!(
            skip_module_items(&[2, 1]),
            Err(nom::Err::Incomplete(_))
        ));
    }
}
