//! `FUNCTION` (`functions.c`): library sources by name. The engine keeps
//! the code and checks the metadata line; it cannot run Lua, so errors
//! only the interpreter would find (syntax errors, duplicate function
//! names across libraries, no function registered) are not detected.

use super::args::{eq_ic, Args};
use super::error::{EngineError, EngineResult};
use super::{Engine, Reply};

fn err(msg: impl AsRef<str>) -> EngineError {
    EngineError::reply(format!("ERR {}", msg.as_ref()))
}

/// `functionExtractLibMetaData`: the library name from the
/// `#!<engine> name=<library>` first line.
pub(crate) fn library_name(code: &[u8]) -> EngineResult<Vec<u8>> {
    if !code.starts_with(b"#!") {
        return Err(err("Missing library metadata"));
    }
    let Some(end) = code.iter().position(|&c| c == b'\n') else {
        return Err(err("Invalid library metadata"));
    };
    let mut parts = code[..end]
        .split(|c| c.is_ascii_whitespace())
        .filter(|p| !p.is_empty());
    let Some(engine) = parts.next() else {
        return Err(err("Invalid library metadata"));
    };
    let mut name: Option<&[u8]> = None;
    for p in parts {
        if p.len() >= 5 && p[..5].eq_ignore_ascii_case(b"name=") {
            if name.is_some() {
                return Err(err(
                    "Invalid metadata value, name argument was given multiple times",
                ));
            }
            name = Some(&p[5..]);
        } else {
            return Err(err(format!(
                "Invalid metadata value given: {}",
                String::from_utf8_lossy(p)
            )));
        }
    }
    let Some(name) = name else {
        return Err(err("Library name was not given"));
    };
    let engine = &engine[2..];
    if !eq_ic(engine, "lua") {
        return Err(err(format!(
            "Engine '{}' not found",
            String::from_utf8_lossy(engine)
        )));
    }
    if name.is_empty() || !name.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_') {
        return Err(err(
            "Library names can only contain letters, numbers, or underscores(_) and must be at least one character long",
        ));
    }
    Ok(name.to_vec())
}

/// `FUNCTION LOAD [REPLACE] function-code`, `FUNCTION DELETE library-name`,
/// `FUNCTION FLUSH [ASYNC | SYNC]`,
/// `FUNCTION RESTORE serialized-value [FLUSH | APPEND | REPLACE]`
pub(crate) fn function(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let sub = a.next_bytes()?;
    let argc = a.remaining() + 2;
    let check = |name: &str, arity: i64| -> EngineResult<()> {
        if (arity > 0 && argc as i64 != arity) || (argc as i64) < -arity {
            Err(EngineError::WrongArity {
                name: name.to_string(),
            })
        } else {
            Ok(())
        }
    };
    if eq_ic(sub, "load") {
        check("function|load", -3)?;
        let mut replace = false;
        while a.remaining() > 1 {
            let o = a.next_bytes()?;
            if eq_ic(o, "replace") {
                replace = true;
            } else {
                return Err(err(format!(
                    "Unknown option given: {}",
                    String::from_utf8_lossy(o)
                )));
            }
        }
        let code = a.next_bytes()?;
        let name = library_name(code)?;
        if !replace && e.functions.contains_key(&name) {
            return Err(err(format!(
                "Library '{}' already exists",
                String::from_utf8_lossy(&name)
            )));
        }
        e.functions.insert(name.clone(), code.to_vec());
        Ok(Reply::Bulk(name))
    } else if eq_ic(sub, "delete") {
        check("function|delete", 3)?;
        let name = a.next_bytes()?;
        match e.functions.remove(name) {
            Some(_) => Ok(Reply::Ok),
            None => Err(err("Library not found")),
        }
    } else if eq_ic(sub, "flush") {
        check("function|flush", -2)?;
        if argc > 3 {
            return Err(EngineError::Syntax);
        }
        if let Some(o) = a.peek() {
            if !eq_ic(o, "sync") && !eq_ic(o, "async") {
                return Err(err("FUNCTION FLUSH only supports SYNC|ASYNC option"));
            }
        }
        e.functions.clear();
        Ok(Reply::Ok)
    } else if eq_ic(sub, "restore") {
        check("function|restore", -3)?;
        let payload = a.next_bytes()?;
        #[derive(PartialEq)]
        enum Policy {
            Flush,
            Append,
            Replace,
        }
        let policy = match a.remaining() {
            0 => Policy::Append,
            1 => {
                let p = a.next_bytes()?;
                if eq_ic(p, "flush") {
                    Policy::Flush
                } else if eq_ic(p, "append") {
                    Policy::Append
                } else if eq_ic(p, "replace") {
                    Policy::Replace
                } else {
                    return Err(err("Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE."));
                }
            }
            _ => return Err(a.arity()),
        };
        let Some(decoder) = &e.decoder else {
            return Err(EngineError::NeedsDecoder {
                command: "function|restore".to_string(),
            });
        };
        let libs = decoder
            .decode_functions(payload)
            .map_err(EngineError::Reply)?;
        let mut parsed = Vec::with_capacity(libs.len());
        for code in libs {
            parsed.push((library_name(&code)?, code));
        }
        if policy == Policy::Append {
            if let Some((n, _)) = parsed.iter().find(|(n, _)| e.functions.contains_key(n)) {
                return Err(err(format!(
                    "Library {} already exists",
                    String::from_utf8_lossy(n)
                )));
            }
        }
        if policy == Policy::Flush {
            e.functions.clear();
        }
        for (n, code) in parsed {
            e.functions.insert(n, code);
        }
        Ok(Reply::Ok)
    } else {
        Err(EngineError::reply(format!(
            "ERR unknown subcommand '{}'. Try FUNCTION HELP.",
            String::from_utf8_lossy(sub)
        )))
    }
}
