//! `EVAL`, `EVALSHA` and `SCRIPT` (`eval.c`, `script_lua.c`): scripts from
//! pre-7.0 AOFs, replayed in an embedded Lua 5.1.
//!
//! The Lua state is a sandbox: only the base, table, string and math
//! libraries, without `loadfile`, `dofile` or `print`, text chunks only,
//! a memory cap, and an instruction budget
//! ([`Engine::set_script_instruction_limit`]) after which the script is
//! aborted with [`EngineError::Unsupported`]. Globals are protected the
//! way Redis protects them.
//!
//! `redis.call` / `redis.pcall` run commands through the engine with
//! Redis's conversions: integer → number, bulk → string, nil → `false`,
//! array → table, status → `{ok=...}`, error → `{err=...}` (raised by
//! `redis.call`). The script's value converts back: string → bulk, number
//! → integer (truncated), `true` → 1, `false`/`nil` → nil, `{err=...}` →
//! error, `{ok=...}` → status (`OK` is [`Reply::Ok`], any other status a
//! bulk string), other tables → array up to the first nil.
//!
//! Like Redis ≤ 6.2 with verbatim script replication, `SMEMBERS` replies
//! are sorted inside scripts, a `SELECT` inside a script does not change
//! the caller's db, and the writes before a script error stay. A command
//! the engine does not implement, or a library Redis has and the sandbox
//! lacks (`cjson`, `cmsgpack`, `struct`, `bit`, `debug`), aborts the
//! script with [`EngineError::Unsupported`]: the replay would diverge.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use mlua::{ChunkMode, Function, HookTriggers, Lua, LuaOptions, StdLib, Table, Value, Variadic};
use sha1::{Digest, Sha1};

use super::args::{parse_i64, Args};
use super::error::{EngineError, EngineResult};
use super::{table, Engine, Reply};

/// Default instruction budget of one script.
pub const DEFAULT_INSTRUCTION_LIMIT: u64 = 1_000_000_000;

/// Memory cap of the Lua state.
const MEMORY_LIMIT: usize = 512 << 20;

/// The hook runs every this many VM instructions.
const HOOK_EVERY: u32 = 1000;

/// Compiled scripts kept before the cache is dropped and rebuilt.
const MAX_COMPILED: usize = 10_000;

/// Deepest table nesting converted back to a reply.
const MAX_DEPTH: usize = 1000;

/// Commands a script may not call (Redis's `noscript` flag).
const NOSCRIPT: &[&str] = &[
    "multi",
    "exec",
    "discard",
    "eval",
    "evalsha",
    "eval_ro",
    "evalsha_ro",
    "fcall",
    "fcall_ro",
    "script",
    "function",
];

/// The engine's script state: the cache `SCRIPT LOAD` and `EVAL` fill, and
/// the Lua state, created on first use.
pub(crate) struct Scripts {
    /// SHA1 (lower-case hex) → script body.
    bodies: HashMap<String, Vec<u8>>,
    vm: Option<Vm>,
    limit: u64,
}

impl Default for Scripts {
    fn default() -> Self {
        Scripts {
            bodies: HashMap::new(),
            vm: None,
            limit: DEFAULT_INSTRUCTION_LIMIT,
        }
    }
}

/// State shared with the hook and the Rust functions in the Lua state.
#[derive(Default)]
struct Shared {
    steps: AtomicU64,
    limit: AtomicU64,
    fatal: Mutex<Option<EngineError>>,
}

impl Shared {
    fn fatal(&self) -> Option<EngineError> {
        self.fatal.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn set_fatal(&self, e: EngineError) {
        let mut f = self.fatal.lock().unwrap_or_else(|p| p.into_inner());
        if f.is_none() {
            *f = Some(e);
        }
    }

    fn clear(&self) {
        *self.fatal.lock().unwrap_or_else(|p| p.into_inner()) = None;
        self.steps.store(0, Ordering::Relaxed);
    }
}

struct Vm {
    lua: Lua,
    ctl: Table,
    runner: Function,
    compiled: HashMap<String, Function>,
    shared: Arc<Shared>,
}

fn lua_failed(what: &str, e: &mlua::Error) -> EngineError {
    EngineError::unsupported("eval", &format!("{what}: {e}"))
}

impl Vm {
    fn new() -> EngineResult<Vm> {
        let lua = Lua::new_with(
            StdLib::TABLE | StdLib::STRING | StdLib::MATH,
            LuaOptions::default(),
        )
        .map_err(|e| lua_failed("cannot start Lua", &e))?;
        let shared = Arc::new(Shared::default());
        let setup = || -> mlua::Result<(Table, Function)> {
            lua.set_memory_limit(MEMORY_LIMIT)?;
            let s = shared.clone();
            lua.set_global_hook(
                HookTriggers::new().every_nth_instruction(HOOK_EVERY),
                move |_, _| {
                    let n = s.steps.fetch_add(u64::from(HOOK_EVERY), Ordering::Relaxed);
                    if n >= s.limit.load(Ordering::Relaxed) {
                        s.set_fatal(EngineError::unsupported(
                            "eval",
                            "the script exceeded the instruction limit",
                        ));
                    }
                    match s.fatal() {
                        Some(e) => Err(mlua::Error::runtime(e.to_string())),
                        None => Ok(mlua::VmState::Continue),
                    }
                },
            )?;
            let s = shared.clone();
            let aborted = lua.create_function(move |_, ()| Ok(s.fatal().is_some()))?;
            let s = shared.clone();
            let unsupported = lua.create_function(move |_, name: mlua::String| {
                let name = String::from_utf8_lossy(&name.as_bytes()).into_owned();
                let e = EngineError::unsupported(
                    "eval",
                    &format!("the script uses the '{name}' library, which the replay engine lacks"),
                );
                s.set_fatal(e.clone());
                Err::<(), _>(mlua::Error::runtime(e.to_string()))
            })?;
            let sha = lua.create_function(|_, s: mlua::String| Ok(sha1_hex(&s.as_bytes())))?;
            lua.load(include_str!("scripting/prelude.lua"))
                .set_name("@redfile_prelude")
                .set_mode(ChunkMode::Text)
                .call((aborted, unsupported, sha))
        };
        let (ctl, runner) = setup().map_err(|e| lua_failed("cannot set up Lua", &e))?;
        Ok(Vm {
            lua,
            ctl,
            runner,
            compiled: HashMap::new(),
            shared,
        })
    }

    /// The compiled function of a script, compiling it if needed.
    fn function(&mut self, sha: &str, body: &[u8]) -> EngineResult<Function> {
        if let Some(f) = self.compiled.get(sha) {
            return Ok(f.clone());
        }
        let compile_error =
            |m: &str| EngineError::reply(format!("ERR Error compiling script (new function): {m}"));
        if body.first() == Some(&0x1b) {
            return Err(compile_error("binary chunks are not allowed"));
        }
        let f = self
            .lua
            .load(body)
            .set_name("@user_script")
            .set_mode(ChunkMode::Text)
            .into_function()
            .map_err(|e| match e {
                mlua::Error::SyntaxError { message, .. } => compile_error(&message),
                other => compile_error(&other.to_string()),
            })?;
        if self.compiled.len() >= MAX_COMPILED {
            self.compiled.clear();
        }
        self.compiled.insert(sha.to_string(), f.clone());
        Ok(f)
    }
}

/// Lower-case hex SHA1, as `redis.sha1hex` and the script cache use.
fn sha1_hex(b: &[u8]) -> String {
    hex::encode(Sha1::digest(b))
}

impl Engine {
    /// Sets how many Lua VM instructions one script may run before it is
    /// aborted with [`EngineError::Unsupported`] (default one billion; at
    /// least 1000 are always allowed).
    pub fn set_script_instruction_limit(&mut self, limit: u64) {
        self.scripts.limit = limit;
    }

    /// Runs a script (its SHA1 and body) with the given keys and args.
    fn run_script(&mut self, sha: &str, body: &[u8], rest: &[&[u8]]) -> EngineResult<Reply> {
        let (numkeys, rest) = match rest.split_first() {
            Some((n, rest)) => (parse_i64(n).ok_or(EngineError::NotInteger)?, rest),
            None => return Err(EngineError::NotInteger),
        };
        if numkeys > rest.len() as i64 {
            return Err(EngineError::reply(
                "ERR Number of keys can't be greater than number of args",
            ));
        }
        if numkeys < 0 {
            return Err(EngineError::reply("ERR Number of keys can't be negative"));
        }
        let (keys, argv) = rest.split_at(numkeys as usize);
        let mut vm = match self.scripts.vm.take() {
            Some(vm) => vm,
            None => Vm::new()?,
        };
        let r = self.run_in(&mut vm, sha, body, keys, argv);
        // A state that hit its memory cap or was aborted mid-way is not
        // trusted again.
        if vm.shared.fatal().is_none() {
            self.scripts.vm = Some(vm);
        }
        r
    }

    fn run_in(
        &mut self,
        vm: &mut Vm,
        sha: &str,
        body: &[u8],
        keys: &[&[u8]],
        argv: &[&[u8]],
    ) -> EngineResult<Reply> {
        let f = vm.function(sha, body)?;
        self.scripts
            .bodies
            .entry(sha.to_string())
            .or_insert_with(|| body.to_vec());
        let lua = &vm.lua;
        let set_args = || -> mlua::Result<()> {
            let g = lua.globals();
            g.raw_set(
                "KEYS",
                lua.create_sequence_from(
                    keys.iter()
                        .map(|k| lua.create_string(k))
                        .collect::<mlua::Result<Vec<_>>>()?,
                )?,
            )?;
            g.raw_set(
                "ARGV",
                lua.create_sequence_from(
                    argv.iter()
                        .map(|k| lua.create_string(k))
                        .collect::<mlua::Result<Vec<_>>>()?,
                )?,
            )?;
            Ok(())
        };
        set_args().map_err(|e| lua_failed("cannot pass the arguments", &e))?;
        vm.shared.clear();
        vm.shared
            .limit
            .store(self.scripts.limit.max(1000), Ordering::Relaxed);
        let saved_db = self.selected;
        let shared = vm.shared.clone();
        let result = {
            let cell = RefCell::new(&mut *self);
            lua.scope(|scope| {
                let imp = scope.create_function(|lua, args: Variadic<Value>| {
                    let Ok(mut e) = cell.try_borrow_mut() else {
                        return Err(mlua::Error::runtime("redis.call re-entered"));
                    };
                    match call_command(&mut e, lua, &args) {
                        Ok(v) => Ok((v, false)),
                        Err(err) if err.is_redis_error() => {
                            let t = lua.create_table()?;
                            t.raw_set("err", err.to_string())?;
                            Ok((Value::Table(t), true))
                        }
                        Err(err) => {
                            shared.set_fatal(err.clone());
                            Err(mlua::Error::runtime(err.to_string()))
                        }
                    }
                })?;
                vm.ctl.raw_set("impl", imp)?;
                let r = vm.runner.call::<(bool, Value)>(f);
                vm.ctl.raw_set("impl", Value::Nil)?;
                r
            })
        };
        self.selected = saved_db;
        if let Some(e) = vm.shared.fatal() {
            return Err(e);
        }
        match result {
            Ok((true, v)) => lua_to_reply(&v, 0, true),
            Ok((false, v)) => Err(script_error(sha, &v)),
            Err(e @ mlua::Error::MemoryError(_)) => {
                vm.shared
                    .set_fatal(lua_failed("the script ran out of memory", &e));
                Err(lua_failed("the script ran out of memory", &e))
            }
            Err(e) => Err(EngineError::reply(format!(
                "ERR Error running script (call to f_{sha}): {e}"
            ))),
        }
    }
}

/// The error reply of a script that raised `v`.
fn script_error(sha: &str, v: &Value) -> EngineError {
    if let Value::Table(t) = v {
        if let Ok(Value::String(s)) = t.raw_get::<Value>("err") {
            return EngineError::reply(String::from_utf8_lossy(&s.as_bytes()).into_owned());
        }
    }
    let msg = match v {
        Value::String(s) => String::from_utf8_lossy(&s.as_bytes()).into_owned(),
        Value::Error(e) => e.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Integer(i) => i.to_string(),
        other => other.type_name().to_string(),
    };
    EngineError::reply(format!("ERR Error running script (call to f_{sha}): {msg}"))
}

/// `redis.call` / `redis.pcall`: runs one command through the engine.
fn call_command(e: &mut Engine, lua: &Lua, args: &[Value]) -> EngineResult<Value> {
    if args.is_empty() {
        return Err(EngineError::reply(
            "ERR Please specify at least one argument for redis.call()",
        ));
    }
    let mut argv: Vec<Vec<u8>> = Vec::with_capacity(args.len());
    for a in args {
        argv.push(match a {
            Value::String(s) => s.as_bytes().to_vec(),
            Value::Integer(i) => i.to_string().into_bytes(),
            Value::Number(n) => format_g17(*n).into_bytes(),
            _ => {
                return Err(EngineError::reply(
                    "ERR Lua redis() command arguments must be strings or integers",
                ))
            }
        });
    }
    let spec = match table::lookup(&argv[0]) {
        Ok(s) => s,
        Err(_) => {
            return Err(EngineError::unsupported(
                "eval",
                &format!(
                    "the script calls '{}', which the replay engine does not implement",
                    String::from_utf8_lossy(&argv[0][..argv[0].len().min(64)])
                ),
            ))
        }
    };
    if NOSCRIPT.contains(&spec.name) {
        return Err(EngineError::reply(
            "ERR This Redis command is not allowed from scripts",
        ));
    }
    let reply = match e.run(spec, &argv) {
        Err(EngineError::WrongArity { .. }) => {
            return Err(EngineError::reply(
                "ERR Wrong number of args calling Redis command From Lua script",
            ))
        }
        other => other?,
    };
    let reply = match (spec.name, reply) {
        // sort_for_script (Redis ≤ 6.2)
        ("smembers", Reply::Array(mut v)) => {
            v.sort_by(|a, b| match (a, b) {
                (Reply::Bulk(a), Reply::Bulk(b)) => a.cmp(b),
                _ => std::cmp::Ordering::Equal,
            });
            Reply::Array(v)
        }
        (_, r) => r,
    };
    reply_to_lua(lua, &reply).map_err(|err| lua_failed("cannot convert a reply", &err))
}

/// A reply as a Lua value (`script_lua.c` conversions, RESP2).
fn reply_to_lua(lua: &Lua, r: &Reply) -> mlua::Result<Value> {
    Ok(match r {
        Reply::Ok | Reply::Queued => {
            let t = lua.create_table()?;
            t.raw_set(
                "ok",
                if matches!(r, Reply::Ok) {
                    "OK"
                } else {
                    "QUEUED"
                },
            )?;
            Value::Table(t)
        }
        Reply::Nil => Value::Boolean(false),
        Reply::Int(i) => Value::Number(*i as f64),
        Reply::Bulk(b) => Value::String(lua.create_string(b)?),
        Reply::Array(v) => {
            let t = lua.create_table_with_capacity(v.len(), 0)?;
            for (i, x) in v.iter().enumerate() {
                t.raw_set(i + 1, reply_to_lua(lua, x)?)?;
            }
            Value::Table(t)
        }
        Reply::Error(e) => {
            let t = lua.create_table()?;
            t.raw_set("err", e.to_string())?;
            Value::Table(t)
        }
    })
}

/// A script's return value as a reply; `top` makes `{err=...}` the
/// command's error rather than an error element.
fn lua_to_reply(v: &Value, depth: usize, top: bool) -> EngineResult<Reply> {
    if depth > MAX_DEPTH {
        return Err(EngineError::reply(
            "ERR reached lua stack limit while converting the script's reply",
        ));
    }
    let text = |s: &mlua::String| s.as_bytes().to_vec();
    Ok(match v {
        Value::String(s) => Reply::Bulk(text(s)),
        Value::Boolean(true) => Reply::Int(1),
        Value::Integer(i) => Reply::Int(*i),
        Value::Number(n) => Reply::Int(*n as i64),
        Value::Table(t) => {
            if let Ok(Value::String(s)) = t.raw_get::<Value>("err") {
                let e = EngineError::reply(String::from_utf8_lossy(&s.as_bytes()).into_owned());
                return if top { Err(e) } else { Ok(Reply::Error(e)) };
            }
            if let Ok(Value::String(s)) = t.raw_get::<Value>("ok") {
                let s = text(&s);
                return Ok(if s == b"OK" {
                    Reply::Ok
                } else {
                    Reply::Bulk(s)
                });
            }
            let mut out = Vec::new();
            for j in 1.. {
                match t.raw_get::<Value>(j) {
                    Ok(Value::Nil) | Err(_) => break,
                    Ok(x) => out.push(lua_to_reply(&x, depth + 1, false)?),
                }
            }
            Reply::Array(out)
        }
        _ => Reply::Nil,
    })
}

/// C's `%.17g`, which Redis ≤ 6.2 used for Lua numbers passed to commands.
fn format_g17(n: f64) -> String {
    if n.is_nan() {
        return if n.is_sign_negative() { "-nan" } else { "nan" }.to_string();
    }
    if n.is_infinite() {
        return if n < 0.0 { "-inf" } else { "inf" }.to_string();
    }
    let e = format!("{n:.16e}");
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let x: i32 = exp.parse().unwrap_or(0);
    let trim = |s: &str| -> String {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s.to_string()
        }
    };
    if !(-4..17).contains(&x) {
        let sign = if x < 0 { '-' } else { '+' };
        format!("{}e{sign}{:02}", trim(mant), x.unsigned_abs())
    } else {
        trim(&format!("{n:.*}", (16 - x) as usize))
    }
}

/// The SHA1 argument of `EVALSHA` / `SCRIPT EXISTS`, lower-cased.
fn sha_arg(b: &[u8]) -> String {
    String::from_utf8_lossy(b).to_ascii_lowercase()
}

/// `EVAL script numkeys [key ...] [arg ...]`.
pub(crate) fn eval(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let body = a.next_bytes()?;
    let sha = sha1_hex(body);
    e.run_script(&sha, body, a.take_rest())
}

/// `EVALSHA sha1 numkeys [key ...] [arg ...]`.
pub(crate) fn evalsha(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let sha = sha_arg(a.next_bytes()?);
    let rest = a.take_rest();
    if let Some(n) = rest.first() {
        let n = parse_i64(n).ok_or(EngineError::NotInteger)?;
        if n > rest.len() as i64 - 1 {
            return Err(EngineError::reply(
                "ERR Number of keys can't be greater than number of args",
            ));
        }
    }
    let Some(body) = e.scripts.bodies.get(&sha).cloned() else {
        return Err(EngineError::reply(
            "NOSCRIPT No matching script. Please use EVAL.",
        ));
    };
    e.run_script(&sha, &body, rest)
}

/// `SCRIPT LOAD|FLUSH|EXISTS|KILL`.
pub(crate) fn script(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let sub = a.next_bytes()?.to_ascii_lowercase();
    match &sub[..] {
        b"load" => {
            if a.remaining() != 1 {
                return Err(EngineError::WrongArity {
                    name: "script|load".into(),
                });
            }
            let body = a.next_bytes()?;
            let sha = sha1_hex(body);
            let mut vm = match e.scripts.vm.take() {
                Some(vm) => vm,
                None => Vm::new()?,
            };
            let r = vm.function(&sha, body);
            e.scripts.vm = Some(vm);
            r?;
            e.scripts
                .bodies
                .entry(sha.clone())
                .or_insert_with(|| body.to_vec());
            Ok(Reply::Bulk(sha.into_bytes()))
        }
        b"flush" => {
            match a.take_rest() {
                [] => {}
                [m] if m.eq_ignore_ascii_case(b"async") || m.eq_ignore_ascii_case(b"sync") => {}
                _ => {
                    return Err(EngineError::reply(
                        "ERR SCRIPT FLUSH only support SYNC|ASYNC option",
                    ))
                }
            }
            e.scripts.bodies.clear();
            e.scripts.vm = None;
            Ok(Reply::Ok)
        }
        b"exists" if a.remaining() > 0 => Ok(Reply::Array(
            a.take_rest()
                .iter()
                .map(|s| Reply::Int(i64::from(e.scripts.bodies.contains_key(&sha_arg(s)))))
                .collect(),
        )),
        b"kill" if a.is_empty() => Err(EngineError::reply(
            "NOTBUSY No scripts in execution right now.",
        )),
        b"debug" => Err(EngineError::unsupported(
            "script",
            "SCRIPT DEBUG needs an interactive client",
        )),
        _ => Err(EngineError::reply(format!(
            "ERR unknown subcommand or wrong number of arguments for '{}'. Try SCRIPT HELP.",
            String::from_utf8_lossy(&sub[..sub.len().min(128)])
        ))),
    }
}

#[cfg(test)]
mod format_tests {
    use super::format_g17;

    #[test]
    fn g17() {
        assert_eq!(format_g17(42.0), "42");
        assert_eq!(format_g17(-3.5), "-3.5");
        assert_eq!(format_g17(0.1), "0.10000000000000001");
        assert_eq!(format_g17(1e20), "1e+20");
        assert_eq!(format_g17(1.5e-7), "1.4999999999999999e-07");
        assert_eq!(format_g17(0.0), "0");
        assert_eq!(format_g17(123456789012345680.0), "1.2345678901234568e+17");
    }
}
