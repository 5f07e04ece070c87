//! Sorted-set score text as `DEBUG DIGEST` hashes it.
//!
//! Up to Redis 7.0 scores go through C's `%.17g`; from 7.2 on (and in every
//! Valkey) through `fpconv_dtoa`, a Grisu2 formatter with its own layout
//! rules. Grisu2 is *not* always the shortest round-trip text, so neither
//! Rust's `{}` nor ryu can stand in for it: [`fpconv_dtoa`] re-implements
//! the algorithm step by step, with the same 64-bit wrap-around arithmetic.

/// `10^k / 2^e` rounded to nearest, `2^63 <= frac < 2^64`, for
/// `k = -348, -340, …, 340`: the cached powers Grisu2 multiplies by.
/// Generated with exact rational arithmetic; `powers_table_is_exact` in the
/// tests regenerates it with a small big-integer routine.
const POWERS: [(u64, i32); 87] = [
    (0xfa8fd5a0081c0288, -1220),
    (0xbaaee17fa23ebf76, -1193),
    (0x8b16fb203055ac76, -1166),
    (0xcf42894a5dce35ea, -1140),
    (0x9a6bb0aa55653b2d, -1113),
    (0xe61acf033d1a45df, -1087),
    (0xab70fe17c79ac6ca, -1060),
    (0xff77b1fcbebcdc4f, -1034),
    (0xbe5691ef416bd60c, -1007),
    (0x8dd01fad907ffc3c, -980),
    (0xd3515c2831559a83, -954),
    (0x9d71ac8fada6c9b5, -927),
    (0xea9c227723ee8bcb, -901),
    (0xaecc49914078536d, -874),
    (0x823c12795db6ce57, -847),
    (0xc21094364dfb5637, -821),
    (0x9096ea6f3848984f, -794),
    (0xd77485cb25823ac7, -768),
    (0xa086cfcd97bf97f4, -741),
    (0xef340a98172aace5, -715),
    (0xb23867fb2a35b28e, -688),
    (0x84c8d4dfd2c63f3b, -661),
    (0xc5dd44271ad3cdba, -635),
    (0x936b9fcebb25c996, -608),
    (0xdbac6c247d62a584, -582),
    (0xa3ab66580d5fdaf6, -555),
    (0xf3e2f893dec3f126, -529),
    (0xb5b5ada8aaff80b8, -502),
    (0x87625f056c7c4a8b, -475),
    (0xc9bcff6034c13053, -449),
    (0x964e858c91ba2655, -422),
    (0xdff9772470297ebd, -396),
    (0xa6dfbd9fb8e5b88f, -369),
    (0xf8a95fcf88747d94, -343),
    (0xb94470938fa89bcf, -316),
    (0x8a08f0f8bf0f156b, -289),
    (0xcdb02555653131b6, -263),
    (0x993fe2c6d07b7fac, -236),
    (0xe45c10c42a2b3b06, -210),
    (0xaa242499697392d3, -183),
    (0xfd87b5f28300ca0e, -157),
    (0xbce5086492111aeb, -130),
    (0x8cbccc096f5088cc, -103),
    (0xd1b71758e219652c, -77),
    (0x9c40000000000000, -50),
    (0xe8d4a51000000000, -24),
    (0xad78ebc5ac620000, 3),
    (0x813f3978f8940984, 30),
    (0xc097ce7bc90715b3, 56),
    (0x8f7e32ce7bea5c70, 83),
    (0xd5d238a4abe98068, 109),
    (0x9f4f2726179a2245, 136),
    (0xed63a231d4c4fb27, 162),
    (0xb0de65388cc8ada8, 189),
    (0x83c7088e1aab65db, 216),
    (0xc45d1df942711d9a, 242),
    (0x924d692ca61be758, 269),
    (0xda01ee641a708dea, 295),
    (0xa26da3999aef774a, 322),
    (0xf209787bb47d6b85, 348),
    (0xb454e4a179dd1877, 375),
    (0x865b86925b9bc5c2, 402),
    (0xc83553c5c8965d3d, 428),
    (0x952ab45cfa97a0b3, 455),
    (0xde469fbd99a05fe3, 481),
    (0xa59bc234db398c25, 508),
    (0xf6c69a72a3989f5c, 534),
    (0xb7dcbf5354e9bece, 561),
    (0x88fcf317f22241e2, 588),
    (0xcc20ce9bd35c78a5, 614),
    (0x98165af37b2153df, 641),
    (0xe2a0b5dc971f303a, 667),
    (0xa8d9d1535ce3b396, 694),
    (0xfb9b7cd9a4a7443c, 720),
    (0xbb764c4ca7a44410, 747),
    (0x8bab8eefb6409c1a, 774),
    (0xd01fef10a657842c, 800),
    (0x9b10a4e5e9913129, 827),
    (0xe7109bfba19c0c9d, 853),
    (0xac2820d9623bf429, 880),
    (0x80444b5e7aa7cf85, 907),
    (0xbf21e44003acdd2d, 933),
    (0x8e679c2f5e44ff8f, 960),
    (0xd433179d9c8cb841, 986),
    (0x9e19db92b4e31ba9, 1013),
    (0xeb96bf6ebadf77d9, 1039),
    (0xaf87023b9bf0ee6b, 1066),
];

const FIRST_POWER: i32 = -348;
const POWER_STEP: i32 = 8;
const EXP_MIN: i32 = -60;
const EXP_MAX: i32 = -32;

const FRAC_MASK: u64 = 0x000F_FFFF_FFFF_FFFF;
const EXP_MASK: u64 = 0x7FF0_0000_0000_0000;
const HIDDEN_BIT: u64 = 0x0010_0000_0000_0000;
const SIGN_MASK: u64 = 0x8000_0000_0000_0000;
const EXP_BIAS: i32 = 1023 + 52;

/// A "do-it-yourself" floating point number: `frac × 2^exp`.
#[derive(Clone, Copy, Debug)]
struct Fp {
    frac: u64,
    exp: i32,
}

fn build_fp(bits: u64) -> Fp {
    let frac = bits & FRAC_MASK;
    let e = ((bits & EXP_MASK) >> 52) as i32;
    if e != 0 {
        Fp {
            frac: frac + HIDDEN_BIT,
            exp: e - EXP_BIAS,
        }
    } else {
        Fp {
            frac,
            exp: 1 - EXP_BIAS,
        }
    }
}

fn normalize(fp: &mut Fp) {
    while fp.frac & HIDDEN_BIT == 0 {
        fp.frac <<= 1;
        fp.exp -= 1;
    }
    let shift = 64 - 52 - 1;
    fp.frac <<= shift;
    fp.exp -= shift;
}

/// The (lower, upper) boundaries of `fp`, both with `upper`'s exponent.
fn normalized_boundaries(fp: Fp) -> (Fp, Fp) {
    let mut upper = Fp {
        frac: (fp.frac << 1) + 1,
        exp: fp.exp - 1,
    };
    while upper.frac & (HIDDEN_BIT << 1) == 0 {
        upper.frac <<= 1;
        upper.exp -= 1;
    }
    let u_shift = 64 - 52 - 2;
    upper.frac <<= u_shift;
    upper.exp -= u_shift;

    let l_shift = if fp.frac == HIDDEN_BIT { 2 } else { 1 };
    let mut lower = Fp {
        frac: (fp.frac << l_shift).wrapping_sub(1),
        exp: fp.exp - l_shift,
    };
    lower.frac <<= lower.exp - upper.exp;
    lower.exp = upper.exp;
    (lower, upper)
}

/// 64×64 → upper 64 bits, rounded the way the C code rounds (half up on the
/// low 64 bits, computed with wrapping 64-bit halves).
fn multiply(a: Fp, b: Fp) -> Fp {
    const LO: u64 = 0xFFFF_FFFF;
    let ah_bl = (a.frac >> 32).wrapping_mul(b.frac & LO);
    let al_bh = (a.frac & LO).wrapping_mul(b.frac >> 32);
    let al_bl = (a.frac & LO).wrapping_mul(b.frac & LO);
    let ah_bh = (a.frac >> 32).wrapping_mul(b.frac >> 32);
    let tmp = (ah_bl & LO)
        .wrapping_add(al_bh & LO)
        .wrapping_add(al_bl >> 32)
        .wrapping_add(1 << 31);
    Fp {
        frac: ah_bh
            .wrapping_add(ah_bl >> 32)
            .wrapping_add(al_bh >> 32)
            .wrapping_add(tmp >> 32),
        exp: a.exp + b.exp + 64,
    }
}

/// The cached power for a boundary exponent, and its decimal exponent `k`.
fn cached_pow10(exp: i32) -> (Fp, i32) {
    const ONE_LOG_TEN: f64 = 0.30102999566398114;
    // C: `const int approx = -(exp + npowers) * one_log_ten;` truncates.
    let approx = (f64::from(-(exp + POWERS.len() as i32)) * ONE_LOG_TEN) as i32;
    // C integer division truncates toward zero, as Rust's does.
    let mut idx = (approx - FIRST_POWER) / POWER_STEP;
    loop {
        let (frac, e) = POWERS[idx as usize];
        let current = exp + e + 64;
        if current < EXP_MIN {
            idx += 1;
            continue;
        }
        if current > EXP_MAX {
            idx -= 1;
            continue;
        }
        return (Fp { frac, exp: e }, FIRST_POWER + idx * POWER_STEP);
    }
}

fn round_digit(digits: &mut [u8], delta: u64, mut rem: u64, kappa: u64, frac: u64) {
    while rem < frac
        && delta.wrapping_sub(rem) >= kappa
        && (rem.wrapping_add(kappa) < frac
            || frac.wrapping_sub(rem) > rem.wrapping_add(kappa).wrapping_sub(frac))
    {
        if let Some(last) = digits.last_mut() {
            *last = last.wrapping_sub(1);
        }
        rem = rem.wrapping_add(kappa);
    }
}

/// Powers of ten from 10^19 down to 10^0.
const TENS: [u64; 20] = {
    let mut t = [0u64; 20];
    let mut i = 19;
    let mut v = 1u64;
    loop {
        t[i] = v;
        if i == 0 {
            break;
        }
        i -= 1;
        v = v.wrapping_mul(10);
    }
    t
};

fn generate_digits(w: Fp, upper: Fp, lower: Fp, digits: &mut Vec<u8>, k: &mut i32) {
    let wfrac = upper.frac.wrapping_sub(w.frac);
    let mut delta = upper.frac.wrapping_sub(lower.frac);
    let shift = (-upper.exp) as u32;
    let one = 1u64 << shift;
    let mut part1 = upper.frac >> shift;
    let mut part2 = upper.frac & (one - 1);
    let mut kappa = 10i32;

    // Divisors 10^9 … 10^0.
    for &div in &TENS[10..] {
        let digit = part1 / div;
        if digit != 0 || !digits.is_empty() {
            digits.push(b'0' + digit as u8);
        }
        part1 = part1.wrapping_sub(digit.wrapping_mul(div));
        kappa -= 1;
        let tmp = (part1 << shift).wrapping_add(part2);
        if tmp <= delta {
            *k += kappa;
            round_digit(digits, delta, tmp, div << shift, wfrac);
            return;
        }
    }

    // Units 10, 100, 1000, …; the C code walks a pointer down the same
    // table, reading past its start only after 19 fractional digits, which
    // Grisu2 never needs for a double.
    let mut unit = 18usize;
    loop {
        part2 = part2.wrapping_mul(10);
        delta = delta.wrapping_mul(10);
        kappa -= 1;
        let digit = part2 >> shift;
        if digit != 0 || !digits.is_empty() {
            digits.push(b'0' + digit as u8);
        }
        part2 &= one - 1;
        if part2 < delta {
            *k += kappa;
            round_digit(digits, delta, part2, one, wfrac.wrapping_mul(TENS[unit]));
            return;
        }
        unit = unit.saturating_sub(1);
    }
}

/// Digits and decimal exponent of a finite, non-zero double.
fn grisu2(bits: u64) -> (Vec<u8>, i32) {
    let mut w = build_fp(bits);
    let (lower, upper) = normalized_boundaries(w);
    normalize(&mut w);
    let (cp, k) = cached_pow10(upper.exp);
    let w = multiply(w, cp);
    let mut upper = multiply(upper, cp);
    let mut lower = multiply(lower, cp);
    lower.frac = lower.frac.wrapping_add(1);
    upper.frac = upper.frac.wrapping_sub(1);
    let mut kk = -k;
    let mut digits = Vec::with_capacity(18);
    generate_digits(w, upper, lower, &mut digits, &mut kk);
    (digits, kk)
}

fn emit_digits(digits: &[u8], k: i32, neg: bool, out: &mut String) {
    let mut ndigits = digits.len() as i32;
    let mut exp = (k + ndigits - 1).abs();
    let text = |d: &[u8]| -> String { d.iter().map(|&b| b as char).collect() };

    // Plain integer.
    if k >= 0 && exp < ndigits + 7 {
        out.push_str(&text(digits));
        out.extend(std::iter::repeat_n('0', k as usize));
        return;
    }

    // Decimal without exponent.
    if k < 0 && (k > -7 || exp < 4) {
        let offset = ndigits - k.abs();
        if offset <= 0 {
            out.push_str("0.");
            out.extend(std::iter::repeat_n('0', (-offset) as usize));
            out.push_str(&text(digits));
        } else {
            let offset = offset as usize;
            out.push_str(&text(&digits[..offset]));
            out.push('.');
            out.push_str(&text(&digits[offset..]));
        }
        return;
    }

    // Scientific: at most 18 digits (17 after a minus sign), cut, not
    // rounded; the exponent's sign uses the cut digit count, as in C.
    ndigits = ndigits.min(18 - i32::from(neg));
    let digits = &digits[..ndigits as usize];
    out.push(digits[0] as char);
    if ndigits > 1 {
        out.push('.');
        out.push_str(&text(&digits[1..]));
    }
    out.push('e');
    out.push(if k + ndigits - 1 < 0 { '-' } else { '+' });
    let mut cent = 0;
    if exp > 99 {
        cent = exp / 100;
        out.push((b'0' + cent as u8) as char);
        exp -= cent * 100;
    }
    if exp > 9 {
        let dec = exp / 10;
        out.push((b'0' + dec as u8) as char);
        exp -= dec * 10;
    } else if cent != 0 {
        out.push('0');
    }
    out.push((b'0' + (exp % 10) as u8) as char);
}

/// Redis's `fpconv_dtoa` (7.2+, Valkey): Grisu2 digits and its layout.
///
/// `-0.0` → `-0`, `inf`/`-inf`, `nan` (with a `-` when the sign bit is
/// set), `1e8` → `1e+8`, `0.1` → `0.1`, `1e-7` → `1e-7`.
pub fn fpconv_dtoa(d: f64) -> String {
    let bits = d.to_bits();
    let mut out = String::with_capacity(24);
    let neg = bits & SIGN_MASK != 0;
    if neg {
        out.push('-');
    }
    if d == 0.0 {
        out.push('0');
        return out;
    }
    if bits & EXP_MASK == EXP_MASK {
        out.push_str(if bits & FRAC_MASK != 0 { "nan" } else { "inf" });
        return out;
    }
    let (digits, k) = grisu2(bits);
    emit_digits(&digits, k, neg, &mut out);
    out
}

/// C's `printf("%.17g")` as glibc prints it (Redis ≤ 7.0).
///
/// Seventeen significant digits, correctly rounded; exponent form when the
/// decimal exponent is below −4 or at least 17; trailing zeros (and a bare
/// `.`) removed; at least two exponent digits.
pub fn format_g17(d: f64) -> String {
    const P: i32 = 17;
    if d.is_nan() {
        return if d.is_sign_negative() { "-nan" } else { "nan" }.to_string();
    }
    if d.is_infinite() {
        return if d < 0.0 { "-inf" } else { "inf" }.to_string();
    }
    if d == 0.0 {
        return if d.is_sign_negative() { "-0" } else { "0" }.to_string();
    }
    // `{:.16e}` is exactly rounded: d.dddddddddddddddde<X>.
    let sci = format!("{:.*e}", (P - 1) as usize, d);
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let x: i32 = exp.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let mut out = String::from(sign);
    if !(-4..P).contains(&x) {
        let frac = digits[1..].trim_end_matches('0');
        out.push_str(&digits[..1]);
        if !frac.is_empty() {
            out.push('.');
            out.push_str(frac);
        }
        out.push('e');
        out.push(if x < 0 { '-' } else { '+' });
        out.push_str(&format!("{:02}", x.abs()));
    } else if x < 0 {
        // 0.000ddd…: all 17 digits are fractional.
        let body = format!("0.{}{}", "0".repeat((-x - 1) as usize), digits);
        out.push_str(body.trim_end_matches('0'));
    } else {
        let int_len = (x + 1) as usize;
        let (int_part, frac_part) = digits.split_at(int_len);
        out.push_str(int_part);
        let frac_part = frac_part.trim_end_matches('0');
        if !frac_part.is_empty() {
            out.push('.');
            out.push_str(frac_part);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fpconv_spec_examples() {
        let cases: &[(f64, &str)] = &[
            (1.0, "1"),
            (1e8, "1e+8"),
            (0.1, "0.1"),
            (1e21, "1e+21"),
            (1e-7, "1e-7"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (f64::NAN, "nan"),
            (-0.0, "-0"),
            (0.0, "0"),
            (-6016.951217939863, "-6016.9512179398635"),
            (5.299064834871378e16, "52990648348713776"),
            (10000000.0, "10000000"),
            (12345678901234567890.0, "12345678901234567000"),
            (2.5e-5, "0.000025"),
            (1e-6, "0.000001"),
            (100.5, "100.5"),
            (1.5e-6, "1.5e-6"),
            (1e100, "1e+100"),
            (5e-324, "5e-324"),
            (261773.14888395905, "2.6177314888395905e+5"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (1.5, "1.5"),
            (-1.5, "-1.5"),
            (42.0, "42"),
        ];
        for &(d, want) in cases {
            assert_eq!(fpconv_dtoa(d), want, "{d:e}");
        }
    }

    #[test]
    fn g17_examples() {
        let cases: &[(f64, &str)] = &[
            (1.0, "1"),
            (1e8, "100000000"),
            (0.1, "0.10000000000000001"),
            (1e21, "1e+21"),
            (1e-7, "9.9999999999999995e-08"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (-0.0, "-0"),
            (0.0, "0"),
            (1.5, "1.5"),
            (-2.25, "-2.25"),
            (1e16, "10000000000000000"),
            (1e17, "1e+17"),
            (0.0001, "0.0001"),
            (0.00001, "1.0000000000000001e-05"),
            (123456.789, "123456.789"),
            (5e-324, "4.9406564584124654e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
        ];
        for &(d, want) in cases {
            assert_eq!(format_g17(d), want, "{d:e}");
        }
    }

    /// Vectors printed by Redis's own `fpconv_dtoa` and glibc's `%.17g`:
    /// `<bits hex> <fpconv> <%.17g>` per line.
    fn check_vectors(text: &str) -> usize {
        let mut n = 0;
        for line in text.lines().filter(|l| !l.is_empty()) {
            let mut it = line.split(' ');
            let (Some(bits), Some(fp), Some(g)) = (it.next(), it.next(), it.next()) else {
                panic!("bad vector line {line:?}");
            };
            let d = f64::from_bits(u64::from_str_radix(bits, 16).unwrap());
            assert_eq!(fpconv_dtoa(d), fp, "fpconv {bits}");
            assert_eq!(format_g17(d), g, "%.17g {bits}");
            n += 1;
        }
        n
    }

    #[test]
    fn reference_vectors() {
        let n = check_vectors(include_str!("score_vectors.txt"));
        assert!(n > 500, "{n}");
    }

    /// A larger vector file, when one is at hand.
    #[test]
    fn reference_vectors_from_env() {
        if let Ok(path) = std::env::var("REDFILE_SCORE_VECTORS") {
            let text = std::fs::read_to_string(path).unwrap();
            check_vectors(&text);
        }
    }

    #[test]
    fn powers_table_is_consistent() {
        for (i, &(frac, e)) in POWERS.iter().enumerate() {
            let k = FIRST_POWER + POWER_STEP * i as i32;
            assert!(frac >> 63 == 1, "entry {i} not normalized");
            let log10 = (frac as f64).log10() + f64::from(e) * std::f64::consts::LOG10_2;
            assert!(
                (log10 - f64::from(k)).abs() < 1e-9,
                "entry {i}: {log10} vs {k}"
            );
        }
        assert_eq!(POWERS[0], (18054884314459144840, -1220));
        assert_eq!(POWERS[86], (12648080533535911531, 1066));
        // 10^4 = 0x2710 = 0x9c40 × 2^-2.
        assert_eq!(POWERS[44], (0x9c40 << 48, -50));
    }
}
