//! One integration-test binary. Every test runs the real `runner` binary against a real HTTP
//! server on 127.0.0.1 (port 0).
//!
//! Where a new test goes:
//! - `run`: happy paths, capture chains, templating, folders, `when`, exit codes
//! - `matchers`: each matcher operator passing and failing
//! - `errors`: bad input (YAML, keys, templates, JSONPath), located errors, no panics
//! - `secrets`: masking in every output
//! - `cli`: `validate`, `list`, directories, flags
//! - `reports`: JUnit, JSON, HTML, `--dry-run`, `--print curl`
//! - `postman`: import, export, round trips, the Postman corpus
//! - `simulator`: the webCRM simulator driven directly and through the collections

mod support;

mod cli;
mod errors;
mod matchers;
mod postman;
mod reports;
mod run;
mod secrets;
mod simulator;
