//! Argument cursor and the number parsers Redis uses for arguments
//! (`util.c`: `string2ll`, `string2ld`; `object.c`: `getDoubleFromObject`).

use super::error::{EngineError, EngineResult};

/// A cursor over one command's arguments (the name excluded).
pub(crate) struct Args<'a> {
    argv: &'a [&'a [u8]],
    pos: usize,
    name: &'static str,
}

impl<'a> Args<'a> {
    /// `argv` without the command name.
    pub(crate) fn new(name: &'static str, argv: &'a [&'a [u8]]) -> Self {
        Args { argv, pos: 0, name }
    }

    /// The command's lower-case name.
    pub(crate) fn name(&self) -> &'static str {
        self.name
    }

    /// Arguments left.
    pub(crate) fn remaining(&self) -> usize {
        self.argv.len() - self.pos
    }

    /// True when every argument was consumed.
    pub(crate) fn is_empty(&self) -> bool {
        self.remaining() == 0
    }

    /// The arguments left, without consuming them.
    pub(crate) fn rest(&self) -> &'a [&'a [u8]] {
        &self.argv[self.pos..]
    }

    /// Consumes every argument left.
    pub(crate) fn take_rest(&mut self) -> &'a [&'a [u8]] {
        let r = self.rest();
        self.pos = self.argv.len();
        r
    }

    /// The next argument, if any, without consuming it.
    pub(crate) fn peek(&self) -> Option<&'a [u8]> {
        self.argv.get(self.pos).copied()
    }

    /// The next argument; a wrong-arity error when there is none.
    pub(crate) fn next_bytes(&mut self) -> EngineResult<&'a [u8]> {
        match self.argv.get(self.pos) {
            Some(a) => {
                self.pos += 1;
                Ok(a)
            }
            None => Err(self.arity()),
        }
    }

    /// The next argument of an option; a syntax error when there is none.
    pub(crate) fn next_opt_value(&mut self) -> EngineResult<&'a [u8]> {
        match self.argv.get(self.pos) {
            Some(a) => {
                self.pos += 1;
                Ok(a)
            }
            None => Err(EngineError::Syntax),
        }
    }

    /// The next argument as a strict integer.
    pub(crate) fn next_i64(&mut self) -> EngineResult<i64> {
        parse_i64(self.next_bytes()?).ok_or(EngineError::NotInteger)
    }

    /// The next argument as a float (no NaN).
    pub(crate) fn next_f64(&mut self) -> EngineResult<f64> {
        parse_f64(self.next_bytes()?).ok_or(EngineError::NotFloat)
    }

    /// The wrong-arity error for this command.
    pub(crate) fn arity(&self) -> EngineError {
        EngineError::WrongArity {
            name: self.name.to_string(),
        }
    }
}

/// Case-insensitive ASCII comparison of an argument with a keyword.
pub(crate) fn eq_ic(arg: &[u8], kw: &str) -> bool {
    arg.eq_ignore_ascii_case(kw.as_bytes())
}

/// `string2ll`: optional `-`, no `+`, no spaces, no leading zeros, fits i64.
pub(crate) fn parse_i64(b: &[u8]) -> Option<i64> {
    if b.is_empty() || b.len() > 20 {
        return None;
    }
    if b == b"0" {
        return Some(0);
    }
    let (neg, digits) = match b[0] {
        b'-' => (true, &b[1..]),
        _ => (false, b),
    };
    if digits.is_empty() || !(b'1'..=b'9').contains(&digits[0]) {
        return None;
    }
    let mut v: u64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(c - b'0'))?;
    }
    if neg {
        if v > (i64::MAX as u64) + 1 {
            None
        } else {
            Some((v as i64).wrapping_neg())
        }
    } else {
        i64::try_from(v).ok()
    }
}

/// `getDoubleFromObject`: `strtod` of the whole argument, no leading space,
/// no NaN. Infinities are accepted.
pub(crate) fn parse_f64(b: &[u8]) -> Option<f64> {
    if b.is_empty() || b.len() > 5000 || b[0].is_ascii_whitespace() {
        return None;
    }
    let s = std::str::from_utf8(b).ok()?;
    let v: f64 = match s.parse() {
        Ok(v) => v,
        Err(_) => parse_hex_float(s)?,
    };
    if v.is_nan() {
        None
    } else {
        Some(v)
    }
}

/// `strtod` also reads C99 hex floats (`0x1.8p3`); Rust's parser does not.
fn parse_hex_float(s: &str) -> Option<f64> {
    let (neg, s) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let s = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X"))?;
    let (mant, exp) = match s.find(['p', 'P']) {
        Some(i) => (&s[..i], s[i + 1..].parse::<i32>().ok()?),
        None => (s, 0),
    };
    let (int, frac) = match mant.find('.') {
        Some(i) => (&mant[..i], &mant[i + 1..]),
        None => (mant, ""),
    };
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let mut v = 0f64;
    for c in int.chars() {
        v = v * 16.0 + f64::from(c.to_digit(16)?);
    }
    let mut scale = 1.0 / 16.0;
    for c in frac.chars() {
        v += f64::from(c.to_digit(16)?) * scale;
        scale /= 16.0;
    }
    let v = v * 2f64.powi(exp.clamp(-2000, 2000));
    Some(if neg { -v } else { v })
}

/// Formats an integer the way Redis stores it.
pub(crate) fn fmt_i64(v: i64) -> Vec<u8> {
    v.to_string().into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_integers() {
        assert_eq!(parse_i64(b"0"), Some(0));
        assert_eq!(parse_i64(b"-1"), Some(-1));
        assert_eq!(parse_i64(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_i64(b"-9223372036854775808"), Some(i64::MIN));
        for bad in [
            &b""[..],
            b"-0",
            b"+1",
            b"01",
            b" 1",
            b"1 ",
            b"9223372036854775808",
            b"-",
            b"1a",
        ] {
            assert_eq!(parse_i64(bad), None, "{:?}", bad);
        }
    }

    #[test]
    fn floats() {
        assert_eq!(parse_f64(b"1.5"), Some(1.5));
        assert_eq!(parse_f64(b"-inf"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_f64(b"+inf"), Some(f64::INFINITY));
        assert_eq!(parse_f64(b"0x10"), Some(16.0));
        assert_eq!(parse_f64(b"1e3"), Some(1000.0));
        assert_eq!(parse_f64(b"nan"), None);
        assert_eq!(parse_f64(b" 1"), None);
        assert_eq!(parse_f64(b"abc"), None);
    }
}
