//! Exit statuses, documented in the README.

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: everything is fine.
    Ok,
    /// 1: the tool worked and found problems (damage, differences).
    Findings,
    /// 2: the tool could not do its job (missing file, bad usage, I/O).
    Failure,
}

impl From<ExitStatus> for std::process::ExitCode {
    fn from(s: ExitStatus) -> Self {
        std::process::ExitCode::from(match s {
            ExitStatus::Ok => 0,
            ExitStatus::Findings => 1,
            ExitStatus::Failure => 2,
        })
    }
}
