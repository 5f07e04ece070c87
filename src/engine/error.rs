//! The engine's error type: Redis's own error replies plus the cases where
//! the engine cannot replay a command at all.

/// Why a command did not run.
///
/// Most variants are the error replies Redis itself gives (their `Display`
/// is Redis's message, prefix included): an AOF loader treats them as
/// ignorable, the command left the keyspace unchanged. [`EngineError::Unknown`],
/// [`EngineError::Unsupported`] and [`EngineError::NeedsDecoder`] mean the
/// engine could not replay the command, see [`EngineError::is_redis_error`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EngineError {
    /// The command name is not in the table (Redis refuses to load an AOF
    /// holding such a command).
    #[error("ERR unknown command '{name}'")]
    Unknown {
        /// The name as given.
        name: String,
    },
    /// Too few or too many arguments.
    #[error("ERR wrong number of arguments for '{name}' command")]
    WrongArity {
        /// The command's lower-case name (`container|sub` for subcommands).
        name: String,
    },
    /// The key holds another type.
    #[error("WRONGTYPE Operation against a key holding the wrong kind of value")]
    WrongType,
    /// `ERR syntax error`.
    #[error("ERR syntax error")]
    Syntax,
    /// An integer argument or value did not parse.
    #[error("ERR value is not an integer or out of range")]
    NotInteger,
    /// A float argument or value did not parse.
    #[error("ERR value is not a valid float")]
    NotFloat,
    /// Any other error reply, with Redis's message verbatim.
    #[error("{0}")]
    Reply(String),
    /// A command the engine knows but cannot replay (scripts, network
    /// commands, ...).
    #[error("{command}: not supported by the replay engine: {reason}")]
    Unsupported {
        /// The command's lower-case name.
        command: String,
        /// Why.
        reason: String,
    },
    /// `RESTORE` / `FUNCTION RESTORE` need a DUMP payload decoder and none
    /// was installed ([`crate::engine::Engine::set_dump_decoder`]).
    #[error("{command}: needs a DUMP payload decoder")]
    NeedsDecoder {
        /// The command's lower-case name.
        command: String,
    },
}

impl EngineError {
    /// True when this is an error reply Redis would have given too (the
    /// command is then a no-op, and a loader carries on); false when the
    /// engine could not replay the command.
    pub fn is_redis_error(&self) -> bool {
        !matches!(
            self,
            EngineError::Unknown { .. }
                | EngineError::Unsupported { .. }
                | EngineError::NeedsDecoder { .. }
        )
    }

    /// An error reply with Redis's message.
    pub(crate) fn reply(msg: impl Into<String>) -> Self {
        EngineError::Reply(msg.into())
    }

    pub(crate) fn unsupported(command: &str, reason: &str) -> Self {
        EngineError::Unsupported {
            command: command.to_string(),
            reason: reason.to_string(),
        }
    }
}

/// Result alias for the engine.
pub type EngineResult<T> = std::result::Result<T, EngineError>;
