//! Bitmap commands (`bitops.c`).

use super::args::{eq_ic, parse_i64, Args};
use super::error::{EngineError, EngineResult};
use super::store::Obj;
use super::strings::MAX_STRING;
use super::{Engine, Reply};

fn bad_offset() -> EngineError {
    EngineError::reply("ERR bit offset is not an integer or out of range")
}

/// `getBitOffsetFromArgument`: a bit offset (`#n` multiplies by the field
/// width when `hash_bits` is given) below 512 MB worth of bits.
fn bit_offset(arg: &[u8], hash_bits: Option<u32>) -> EngineResult<u64> {
    let (mul, digits) = match (hash_bits, arg.first()) {
        (Some(b), Some(b'#')) => (u64::from(b), &arg[1..]),
        _ => (1, arg),
    };
    let v = parse_i64(digits).ok_or_else(bad_offset)?;
    if v < 0 {
        return Err(bad_offset());
    }
    let v = (v as u64).checked_mul(mul).ok_or_else(bad_offset)?;
    if (v >> 3) >= MAX_STRING {
        return Err(bad_offset());
    }
    Ok(v)
}

/// `SETBIT key offset value`
pub(crate) fn setbit(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let off = bit_offset(a.next_bytes()?, None)?;
    let on = match a.next_bytes()? {
        b"1" => true,
        b"0" => false,
        _ => {
            return Err(EngineError::reply(
                "ERR bit is not an integer or out of range",
            ))
        }
    };
    e.get_str(key)?;
    let s = e.str_or_create(key)?;
    let byte = (off >> 3) as usize;
    if s.len() <= byte {
        s.resize(byte + 1, 0);
    }
    let mask = 1u8 << (7 - (off & 7));
    let old = s[byte] & mask != 0;
    if on {
        s[byte] |= mask;
    } else {
        s[byte] &= !mask;
    }
    Ok(Reply::Int(i64::from(old)))
}

/// `GETBIT key offset`
pub(crate) fn getbit(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let off = bit_offset(a.next_bytes()?, None)?;
    let bit = e.get_str(key)?.map_or(0, |s| {
        s.get((off >> 3) as usize)
            .map_or(0, |b| (b >> (7 - (off & 7))) & 1)
    });
    Ok(Reply::Int(i64::from(bit)))
}

/// `BITOP <AND | OR | XOR | NOT> destkey key [key ...]`
pub(crate) fn bitop(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let op = a.next_bytes()?;
    let dest = a.next_bytes()?;
    let keys = a.take_rest();
    #[derive(Clone, Copy, PartialEq)]
    enum Op {
        And,
        Or,
        Xor,
        Not,
    }
    let op = if eq_ic(op, "and") {
        Op::And
    } else if eq_ic(op, "or") {
        Op::Or
    } else if eq_ic(op, "xor") {
        Op::Xor
    } else if eq_ic(op, "not") {
        Op::Not
    } else {
        return Err(EngineError::Syntax);
    };
    if op == Op::Not && keys.len() != 1 {
        return Err(EngineError::reply(
            "ERR BITOP NOT must be called with a single source key.",
        ));
    }
    let mut srcs: Vec<Vec<u8>> = Vec::with_capacity(keys.len());
    for k in keys {
        srcs.push(e.read_string(k)?.unwrap_or_default());
    }
    let maxlen = srcs.iter().map(Vec::len).max().unwrap_or(0);
    if maxlen == 0 {
        e.remove_key(dest);
        return Ok(Reply::Int(0));
    }
    let mut out = vec![0u8; maxlen];
    for (j, o) in out.iter_mut().enumerate() {
        let byte = |s: &Vec<u8>| s.get(j).copied().unwrap_or(0);
        let mut acc = byte(&srcs[0]);
        match op {
            Op::Not => acc = !acc,
            _ => {
                for s in &srcs[1..] {
                    let b = byte(s);
                    match op {
                        Op::And => acc &= b,
                        Op::Or => acc |= b,
                        Op::Xor => acc ^= b,
                        Op::Not => {}
                    }
                }
            }
        }
        *o = acc;
    }
    e.set_obj(dest, Obj::Str(out));
    Ok(Reply::Int(maxlen as i64))
}

#[derive(Clone, Copy, PartialEq)]
enum Overflow {
    Wrap,
    Sat,
    Fail,
}

#[derive(Clone, Copy)]
enum FieldOp {
    Get,
    Set(i64),
    Incr(i64),
}

struct Field {
    op: FieldOp,
    signed: bool,
    bits: u32,
    offset: u64,
    overflow: Overflow,
}

fn field_type(b: &[u8]) -> EngineResult<(bool, u32)> {
    let bad = || {
        EngineError::reply(
            "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.",
        )
    };
    let signed = match b.first() {
        Some(b'i' | b'I') => true,
        Some(b'u' | b'U') => false,
        _ => return Err(bad()),
    };
    let bits = parse_i64(&b[1..]).ok_or_else(bad)?;
    let max = if signed { 64 } else { 63 };
    if !(1..=max).contains(&bits) {
        return Err(bad());
    }
    Ok((signed, bits as u32))
}

fn read_bits(s: &[u8], offset: u64, bits: u32) -> u64 {
    let mut v = 0u64;
    for i in 0..u64::from(bits) {
        let pos = offset + i;
        let byte = s.get((pos >> 3) as usize).copied().unwrap_or(0);
        let bit = (byte >> (7 - (pos & 7))) & 1;
        v = (v << 1) | u64::from(bit);
    }
    v
}

fn write_bits(s: &mut [u8], offset: u64, bits: u32, v: u64) {
    for i in 0..u64::from(bits) {
        let pos = offset + i;
        let bit = (v >> (u64::from(bits) - 1 - i)) & 1;
        if let Some(byte) = s.get_mut((pos >> 3) as usize) {
            let mask = 1u8 << (7 - (pos & 7));
            if bit == 1 {
                *byte |= mask;
            } else {
                *byte &= !mask;
            }
        }
    }
}

fn read_field(s: &[u8], f: &Field) -> i128 {
    let raw = read_bits(s, f.offset, f.bits);
    if f.signed && f.bits < 64 && raw >> (f.bits - 1) & 1 == 1 {
        i128::from(raw) - (1i128 << f.bits)
    } else if f.signed {
        i128::from(raw as i64)
    } else {
        i128::from(raw)
    }
}

/// `value + incr` in the field's range, with the overflow policy
/// (`checkSignedBitfieldOverflow` / `checkUnsignedBitfieldOverflow`);
/// `None` when FAIL refuses.
fn overflow(f: &Field, sum: i128) -> Option<i128> {
    let (min, max) = if f.signed {
        (-(1i128 << (f.bits - 1)), (1i128 << (f.bits - 1)) - 1)
    } else {
        (0, (1i128 << f.bits) - 1)
    };
    if (min..=max).contains(&sum) {
        return Some(sum);
    }
    match f.overflow {
        Overflow::Fail => None,
        Overflow::Sat => Some(if sum > max { max } else { min }),
        Overflow::Wrap => {
            let m = sum.rem_euclid(1i128 << f.bits);
            Some(if f.signed && m > max {
                m - (1i128 << f.bits)
            } else {
                m
            })
        }
    }
}

/// `BITFIELD key [GET encoding offset | [OVERFLOW <WRAP | SAT | FAIL>]
/// <SET encoding offset value | INCRBY encoding offset increment> ...]`
pub(crate) fn bitfield(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let mut ops = Vec::new();
    let mut ow = Overflow::Wrap;
    let mut highest: Option<u64> = None;
    while let Some(sub) = a.peek() {
        a.next_bytes()?;
        if eq_ic(sub, "overflow") {
            let t = a.next_opt_value()?;
            ow = if eq_ic(t, "wrap") {
                Overflow::Wrap
            } else if eq_ic(t, "sat") {
                Overflow::Sat
            } else if eq_ic(t, "fail") {
                Overflow::Fail
            } else {
                return Err(EngineError::reply("ERR Invalid OVERFLOW type specified"));
            };
            continue;
        }
        let kind = if eq_ic(sub, "get") {
            0
        } else if eq_ic(sub, "set") {
            1
        } else if eq_ic(sub, "incrby") {
            2
        } else {
            return Err(EngineError::Syntax);
        };
        let need = if kind == 0 { 2 } else { 3 };
        if a.remaining() < need {
            return Err(EngineError::Syntax);
        }
        let (signed, bits) = field_type(a.next_bytes()?)?;
        let offset = bit_offset(a.next_bytes()?, Some(bits))?;
        let op = match kind {
            0 => FieldOp::Get,
            1 => FieldOp::Set(a.next_i64()?),
            _ => FieldOp::Incr(a.next_i64()?),
        };
        if kind != 0 {
            let last = offset + u64::from(bits) - 1;
            highest = Some(highest.map_or(last, |h| h.max(last)));
        }
        ops.push(Field {
            op,
            signed,
            bits,
            offset,
            overflow: ow,
        });
    }
    let mut out = Vec::with_capacity(ops.len());
    let Some(highest) = highest else {
        let s = e.read_string(key)?.unwrap_or_default();
        for f in &ops {
            out.push(Reply::Int(read_field(&s, f) as i64));
        }
        return Ok(Reply::Array(out));
    };
    e.get_str(key)?;
    let s = e.str_or_create(key)?;
    let need = (highest >> 3) as usize + 1;
    if s.len() < need {
        s.resize(need, 0);
    }
    for f in &ops {
        let old = read_field(s, f);
        let (newv, reply_old) = match f.op {
            FieldOp::Get => {
                out.push(Reply::Int(old as i64));
                continue;
            }
            FieldOp::Set(v) => {
                let v = if f.signed {
                    i128::from(v)
                } else {
                    i128::from(v as u64)
                };
                (overflow(f, v), true)
            }
            FieldOp::Incr(by) => (overflow(f, old + i128::from(by)), false),
        };
        match newv {
            None => out.push(Reply::Nil),
            Some(v) => {
                write_bits(s, f.offset, f.bits, v as u64);
                out.push(Reply::Int(if reply_old { old } else { v } as i64));
            }
        }
    }
    Ok(Reply::Array(out))
}
