//! Events: what the runner tells reporters. Everything in an event is already masked, so a
//! reporter can print any field without leaking a secret.

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

/// Which run an event belongs to (a file, and later an iteration of it).
#[derive(Debug, Clone, Serialize)]
pub struct RunId {
    /// The collection's `name:`.
    pub collection: String,
    /// The collection file.
    pub file: String,
    /// Data-driven iteration number (0 when there is none).
    pub iteration: usize,
}

/// One event of a run.
#[derive(Debug, Clone)]
pub enum Event {
    /// A collection starts.
    RunStarted {
        /// Which run.
        id: RunId,
        /// Number of requests in it.
        total: usize,
    },
    /// A request is about to be sent (for progress and `-v`).
    RequestStarted {
        /// Which run.
        id: RunId,
        /// Position in the run, from 0.
        index: usize,
        /// `Folder / Name`.
        path: String,
    },
    /// A request is done: passed, failed, skipped or errored.
    RequestFinished {
        /// Which run.
        id: RunId,
        /// What happened.
        result: Box<RequestResult>,
    },
    /// A collection is done.
    RunFinished {
        /// Which run.
        id: RunId,
        /// Counts and time.
        summary: Summary,
    },
}

/// How a request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Sent, every capture and assertion held.
    Passed,
    /// Sent, a capture or assertion failed.
    Failed,
    /// Not sent: `when` was false.
    Skipped,
    /// Could not be sent or completed (network, TLS, timeout).
    Error,
    /// Could not be built (a template failed at run time).
    Invalid,
    /// Rendered but not sent (`--dry-run`).
    Rendered,
}

/// The result of one request.
#[derive(Debug, Clone)]
pub struct RequestResult {
    /// Position in the run.
    pub index: usize,
    /// Folder names, outermost first.
    pub folder: Vec<String>,
    /// Request name.
    pub name: String,
    /// Outcome.
    pub status: Status,
    /// What was sent (absent when it could not be built).
    pub request: Option<SentRequest>,
    /// What came back.
    pub response: Option<Received>,
    /// Every assertion, passed or not.
    pub assertions: Vec<AssertionResult>,
    /// Names captured.
    pub captured: Vec<String>,
    /// Why it failed, errored or was skipped, beyond the assertions.
    pub messages: Vec<Message>,
    /// Times the request was resent after 429 Too Many Requests.
    pub retries: u32,
    /// Time from sending to the end of the body.
    pub duration: Duration,
}

/// A problem message, optionally located.
#[derive(Debug, Clone)]
pub struct Message {
    /// One line.
    pub text: String,
    /// `file:line:col`, when known.
    pub location: Option<String>,
    /// A rendered excerpt (with caret), when known.
    pub excerpt: Option<String>,
}

impl Message {
    /// A message without a place in a file.
    pub fn plain(text: String) -> Self {
        Self {
            text,
            location: None,
            excerpt: None,
        }
    }
}

/// The request as sent, masked.
#[derive(Debug, Clone)]
pub struct SentRequest {
    /// Method.
    pub method: String,
    /// Full URL with query.
    pub url: String,
    /// Headers.
    pub headers: Vec<(String, String)>,
    /// Body text (lossy UTF-8).
    pub body: Option<String>,
}

/// The response, masked.
#[derive(Debug, Clone)]
pub struct Received {
    /// Status code.
    pub status: u16,
    /// Headers.
    pub headers: Vec<(String, String)>,
    /// Body text, kept only when a reporter asked for bodies (or the request failed).
    pub body: Option<String>,
    /// Body size in bytes.
    pub size: usize,
}

/// One checked assertion.
#[derive(Debug, Clone)]
pub struct AssertionResult {
    /// `status`, `json $.a`, `header Content-Type`.
    pub target: Arc<str>,
    /// The operator (`equals`, `type`, `length.gt`, …).
    pub op: &'static str,
    /// Held or not.
    pub passed: bool,
    /// Expected, as shown to people.
    pub expected: Value,
    /// Actual, as shown to people (`null` when absent).
    pub actual: Option<Value>,
    /// A one-line explanation when it failed.
    pub message: Option<String>,
    /// A line diff of expected vs actual (pretty JSON) for long values.
    pub diff: Option<String>,
    /// `file:line:col` of the assertion.
    pub location: Arc<str>,
}

/// Counts for a run.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Summary {
    /// Requests that passed.
    pub passed: usize,
    /// Requests with a failed assertion or capture.
    pub failed: usize,
    /// Requests skipped by `when`.
    pub skipped: usize,
    /// Requests that could not be completed.
    pub errors: usize,
    /// Requests that could not be built.
    pub invalid: usize,
    /// Requests rendered but not sent (`--dry-run`).
    pub rendered: usize,
    /// Wall time.
    #[serde(serialize_with = "ser_duration")]
    pub duration: Duration,
}

impl Summary {
    /// Adds a result.
    pub fn count(&mut self, s: Status) {
        match s {
            Status::Passed => self.passed += 1,
            Status::Failed => self.failed += 1,
            Status::Skipped => self.skipped += 1,
            Status::Error => self.errors += 1,
            Status::Invalid => self.invalid += 1,
            Status::Rendered => self.rendered += 1,
        }
    }

    /// Adds another summary.
    pub fn add(&mut self, o: &Summary) {
        self.passed += o.passed;
        self.failed += o.failed;
        self.skipped += o.skipped;
        self.errors += o.errors;
        self.invalid += o.invalid;
        self.rendered += o.rendered;
        self.duration += o.duration;
    }

    /// The exit code this summary calls for: transport 3 wins over invalid 2 over failed 1.
    pub fn exit_code(&self) -> u8 {
        use crate::error::*;
        if self.errors > 0 {
            EXIT_TRANSPORT
        } else if self.invalid > 0 {
            EXIT_INVALID
        } else if self.failed > 0 {
            EXIT_FAILED
        } else {
            EXIT_OK
        }
    }
}

fn ser_duration<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64() * 1000.0)
}
