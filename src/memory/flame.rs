//! A flame graph (icicle: the root on top) of a [`PrefixTree`] as a
//! self-contained SVG: each prefix a box as wide as its bytes, with a
//! hover title giving the prefix, bytes, share and keys.
//!
//! Written here rather than through `inferno`: inferno draws from folded
//! stacks of one sample count, and its titles cannot carry a second
//! measure (the key count); the layout of an already aggregated tree is a
//! few lines.

use std::fmt::Write as _;

use super::PrefixTree;

/// Width of the drawing, in pixels.
const WIDTH: f64 = 1200.0;
/// Height of one level.
const ROW: f64 = 18.0;
/// Boxes narrower than this are left out (their parent's width shows them).
const MIN_WIDTH: f64 = 0.5;

/// The SVG document for `tree`, titled `title`.
pub fn flame_svg(tree: &PrefixTree, title: &str) -> String {
    let (total, total_keys) = tree.total();
    let mut levels = 0;
    tree.visit(|v| levels = levels.max(v.level));
    let top = 40.0;
    let height = top + (levels as f64 + 1.0) * ROW + 10.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="Verdana, sans-serif" font-size="12">
<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#f8f8f8"/>
<text x="{}" y="22" text-anchor="middle" font-size="16">{}</text>
"##,
        WIDTH / 2.0,
        xml_escape(title)
    );
    let scale = if total == 0 {
        0.0
    } else {
        WIDTH / total as f64
    };
    tree.visit(|v| {
        let (level, prefix, bytes, keys, offset) = (v.level, v.prefix, v.bytes, v.keys, v.offset);
        let w = bytes as f64 * scale;
        if w < MIN_WIDTH && level > 0 {
            return;
        }
        let x = offset as f64 * scale;
        let y = top + level as f64 * ROW;
        let name = if level == 0 {
            "all keys".to_string()
        } else {
            String::from_utf8_lossy(prefix).into_owned()
        };
        let share = if total == 0 {
            0.0
        } else {
            100.0 * bytes as f64 / total as f64
        };
        let _ = writeln!(
            s,
            r#"<g><title>{} ({bytes} bytes, {share:.2}%, {keys} keys)</title><rect x="{x:.2}" y="{y:.1}" width="{w:.2}" height="{}" fill="{}" rx="2"/>"#,
            xml_escape(&name),
            ROW - 1.0,
            colour(prefix),
        );
        // About 7 px per character at this font size.
        let fits = ((w - 6.0) / 7.0).max(0.0) as usize;
        if fits >= 3 {
            let label: String = if name.chars().count() > fits {
                let mut t: String = name.chars().take(fits.saturating_sub(2)).collect();
                t.push_str("..");
                t
            } else {
                name
            };
            let _ = writeln!(
                s,
                r#"<text x="{:.2}" y="{:.1}">{}</text>"#,
                x + 3.0,
                y + ROW - 5.0,
                xml_escape(&label)
            );
        }
        s.push_str("</g>\n");
    });
    let _ = writeln!(s, "<!-- {total} bytes in {total_keys} keys -->\n</svg>");
    s
}

/// A warm colour derived from the prefix, stable across runs.
fn colour(prefix: &[u8]) -> String {
    let h = prefix.iter().fold(2_166_136_261u32, |h, &b| {
        (h ^ u32::from(b)).wrapping_mul(16_777_619)
    });
    let r = 205 + (h % 50);
    let g = 80 + ((h >> 8) % 130);
    let b = 40 + ((h >> 16) % 40);
    format!("rgb({r},{g},{b})")
}

/// Text escaped for XML character data and attributes; control
/// characters (not allowed in XML 1.0) become U+FFFD.
fn xml_escape(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    for c in t.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boxes_and_titles() {
        let mut t = PrefixTree::new(b":", 2);
        t.add(b"user:1:name", 300);
        t.add(b"a<b:x", 100);
        let svg = flame_svg(&t, "dump.rdb");
        assert!(svg.starts_with("<?xml"));
        assert!(svg.trim_end().ends_with("</svg>"));
        assert!(svg.contains("<title>user: (300 bytes, 75.00%, 1 keys)</title>"));
        assert!(svg.contains("<title>a&lt;b: (100 bytes, 25.00%, 1 keys)</title>"));
        assert_eq!(svg.matches("<g>").count(), svg.matches("</g>").count());
    }
}
