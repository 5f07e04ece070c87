//! Presentation of AOF check reports (text and JSON), shared by `check`
//! and `fix`.

use std::io::Write;

use redfile::aof::{AofCheckReport, AofDamage, MalformedCause, TailCause};
use redfile::check::ChecksumStatus;
use redfile::check_aof::{AofLayoutKind, AofReport, PartFormat, PartReport, PartRole};
use redfile::dropin::check_aof_line;
use serde_json::{json, Value};

/// The `format` value of an AOF in reports.
pub fn aof_format(a: &AofReport) -> &'static str {
    match (&a.layout, a.parts.first().map(|p| p.format)) {
        (AofLayoutKind::MultiPart { .. }, _) => "aof-multi-part",
        (AofLayoutKind::Single, Some(PartFormat::RdbPreamble)) => "aof-preamble",
        (AofLayoutKind::Single, _) => "aof",
    }
}

fn role_name(r: PartRole) -> &'static str {
    match r {
        PartRole::Single => "file",
        PartRole::Base => "base",
        PartRole::Incr => "incr",
    }
}

/// One line describing the damage of a RESP part.
pub fn damage_text(r: &AofCheckReport) -> Option<String> {
    match &r.damage {
        AofDamage::None => None,
        AofDamage::TruncatedTail {
            cause,
            commands_cut,
        } => {
            let why = match cause {
                TailCause::EofInRecord => "the file ends inside a record",
                TailCause::UnterminatedMulti => "the file ends inside a MULTI without EXEC",
            };
            Some(format!(
                "truncated tail at offset {}: {why}; a fix cuts {} bytes ({commands_cut} complete commands)",
                r.ok_up_to, r.diff
            ))
        }
        AofDamage::Malformed { offset, cause } => {
            let what = match cause {
                MalformedCause::Grammar { error } => format!("malformed record: {error}"),
                MalformedCause::NestedMulti => "MULTI inside an open MULTI".to_string(),
                MalformedCause::ExecWithoutMulti => "EXEC without MULTI".to_string(),
                MalformedCause::LengthPastEof { len } => {
                    format!("bulk length {len} runs past the end of the file")
                }
            };
            let s = r.salvage.clone().unwrap_or_default();
            let dropped: u64 = s.dropped.iter().map(|d| d.end - d.start).sum();
            Some(format!(
                "offset {offset}: {what}; {} well-formed commands ({} bytes) follow it; \
                 truncating at {} would lose them, --salvage drops {dropped} bytes in {} range(s)",
                s.commands_after,
                s.bytes_after,
                r.ok_up_to,
                s.dropped.len()
            ))
        }
    }
}

fn print_part(out: &mut impl Write, p: &PartReport, indent: &str) -> anyhow::Result<()> {
    writeln!(
        out,
        "{indent}{} {}: {}, {} bytes",
        role_name(p.role),
        p.name,
        p.format.describe(),
        p.size
    )?;
    let i2 = format!("{indent}  ");
    if let Some(e) = &p.rdb_header_error {
        writeln!(out, "{i2}rdb       offset {}: {}", e.offset, e.message)?;
    }
    if let Some(r) = &p.rdb {
        let checksum = match r.checksum {
            ChecksumStatus::Ok => "checksum OK",
            ChecksumStatus::Mismatch => "checksum MISMATCH",
            ChecksumStatus::Disabled => "checksum disabled",
            ChecksumStatus::Absent => "no checksum",
            ChecksumStatus::NotReached => "checksum not reached",
        };
        writeln!(
            out,
            "{i2}rdb       version {}, {} keys, {checksum}, ends at offset {}",
            r.version, r.keys_read, r.end_offset
        )?;
        for f in &r.findings {
            writeln!(
                out,
                "{i2}{:<9} offset {}: [{}] {}",
                f.severity.name(),
                f.offset,
                f.code,
                f.message
            )?;
        }
    }
    if let Some(r) = &p.resp {
        let ts = r
            .last_timestamp
            .map(|t| format!(", last #TS {t} = {}", crate::render::utc_date(t)))
            .unwrap_or_default();
        writeln!(
            out,
            "{i2}commands  {} ({} annotations{ts})",
            r.commands, r.annotations
        )?;
        writeln!(
            out,
            "{i2}valid     up to offset {}, line {} (ok_up_to={}, ok_up_to_line={}, diff={})",
            r.ok_up_to, r.ok_up_to_line, r.ok_up_to, r.ok_up_to_line, r.diff
        )?;
        if let Some(d) = damage_text(r) {
            writeln!(out, "{i2}damage    {d}")?;
        }
        if let Some(l) = check_aof_line(p) {
            writeln!(out, "{i2}redis     {l}")?;
        }
    }
    Ok(())
}

/// The text report of an AOF.
pub fn print_aof(out: &mut impl Write, name: &str, a: &AofReport) -> anyhow::Result<()> {
    match &a.layout {
        AofLayoutKind::Single => {
            writeln!(out, "{name}: AOF, single file")?;
        }
        AofLayoutKind::MultiPart {
            manifest,
            load_order,
            history,
        } => {
            writeln!(
                out,
                "{name}: AOF, multi-part: manifest {}, {} files to load, {history} history",
                manifest.display(),
                load_order.len()
            )?;
        }
    }
    for p in &a.parts {
        print_part(out, p, "  ")?;
    }
    if let Some(p) = &a.problem {
        writeln!(out, "  problem   {p}")?;
    }
    if !a.unchecked.is_empty() {
        writeln!(
            out,
            "  unchecked {} (after the first invalid file)",
            a.unchecked.join(", ")
        )?;
    }
    writeln!(
        out,
        "  result    {}",
        if a.is_valid() { "OK" } else { "DAMAGED" }
    )?;
    Ok(())
}

fn part_json(p: &PartReport) -> Value {
    let mut v = json!({
        "name": p.name,
        "path": p.path.display().to_string(),
        "role": p.role,
        "format": p.format,
        "compression": p.compression,
        "size": p.size,
        "valid": p.is_valid(),
        "commands": p.commands(),
    });
    let Some(m) = v.as_object_mut() else {
        return v;
    };
    if let Some(r) = &p.resp {
        m.insert("annotations".into(), json!(r.annotations));
        m.insert("resp_start".into(), json!(r.start_offset));
        m.insert("ok_up_to".into(), json!(r.ok_up_to));
        m.insert("ok_up_to_line".into(), json!(r.ok_up_to_line));
        m.insert("diff".into(), json!(r.diff));
        m.insert("last_timestamp".into(), json!(r.last_timestamp));
        m.insert("damage".into(), json!(r.damage));
        m.insert("salvage".into(), json!(r.salvage));
        m.insert("timestamp_stop".into(), json!(r.timestamp));
        m.insert("redis_check_aof".into(), json!(check_aof_line(p)));
    }
    if let Some(r) = &p.rdb {
        m.insert(
            "rdb".into(),
            json!({
                "signature": r.signature,
                "version": r.version,
                "keys_read": r.keys_read,
                "checksum": r.checksum,
                "complete": r.complete,
                "end_offset": r.end_offset,
                "findings": r.findings,
            }),
        );
    }
    if let Some(e) = &p.rdb_header_error {
        m.insert("rdb_header_error".into(), json!(e));
    }
    v
}

/// The JSON document of an AOF.
pub fn aof_json(name: &str, a: &AofReport, ok: bool) -> Value {
    json!({
        "file": name,
        "format": aof_format(a),
        "ok": ok,
        "layout": a.layout,
        "commands": a.commands(),
        "parts": a.parts.iter().map(part_json).collect::<Vec<_>>(),
        "unchecked": a.unchecked,
        "problem": a.problem.as_ref().map(|p| {
            let mut v = json!(p);
            if let Some(m) = v.as_object_mut() {
                m.insert("description".into(), json!(p.to_string()));
            }
            v
        }),
    })
}
