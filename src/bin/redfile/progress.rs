//! indicatif progress bars on standard error, drawn only when it is a
//! terminal and `--quiet` was not given: a script or a pipe sees nothing.

use std::io::IsTerminal;
use std::time::Duration;

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The `--quiet` flag of commands that may run for long.
#[derive(Debug, Clone, Copy, Args)]
pub struct ProgressArgs {
    /// No progress bar on standard error (there is none anyway when it is
    /// not a terminal).
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

impl ProgressArgs {
    /// The progress reporter these arguments ask for.
    pub fn bar(&self) -> Bar {
        Bar::new(!self.quiet && std::io::stderr().is_terminal())
    }
}

/// A [`redfile::progress::Progress`] drawn as an indicatif bar (or nothing).
pub struct Bar {
    bar: Option<ProgressBar>,
}

impl Bar {
    /// A bar that draws when `visible`.
    pub fn new(visible: bool) -> Self {
        let bar = visible.then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Bar { bar }
    }
}

impl redfile::progress::Progress for Bar {
    fn start(&self, what: &str, total: Option<u64>) {
        let Some(bar) = &self.bar else { return };
        bar.reset();
        bar.set_message(what.to_string());
        match total {
            Some(total) => {
                bar.set_length(total);
                bar.set_style(
                    ProgressStyle::with_template(
                        "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
                    )
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
                );
            }
            None => {
                bar.unset_length();
                bar.set_style(
                    ProgressStyle::with_template("{spinner} {msg} {bytes} {bytes_per_sec}")
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                );
            }
        }
    }

    fn at(&self, done: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(done);
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
