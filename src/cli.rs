//! The command line (clap derive structs only; doc comments are the help text).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// A declarative HTTP request runner: YAML collections of templated requests, captures and
/// assertions, for API smoke tests in CI and onboarding walkthroughs.
///
/// Exit codes: 0 all passed; 1 an assertion or capture failed; 2 invalid input (command line,
/// YAML, template, JSONPath, unknown variable); 3 a request could not be completed
/// (connection refused, DNS, TLS, timeout). When a run has several, 3 wins.
#[derive(Debug, Parser)]
#[command(name = "runner", version, about, long_about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run collections: send every request in order, capture, assert, report.
    Run(RunArgs),
    /// Check collections without sending anything: structure, templates, JSONPaths, regexes
    /// and variables that can never be defined.
    Validate(ValidateArgs),
    /// Show the tree of folders and requests with method and URL template.
    List(ListArgs),
    /// Start the webCRM simulator (api.webcrm.com stand-in) as an HTTP server.
    Mock(MockArgs),
    /// Convert a Postman collection (v2.0/v2.1) or environment to YAML.
    Import(ImportArgs),
    /// Convert a YAML collection to a Postman v2.1 collection.
    Export(ExportArgs),
}

/// `runner import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// What the file is: `postman` (a collection) or `postman-env` (an environment).
    #[arg(value_name = "KIND", value_parser = ["postman", "postman-env"])]
    pub kind: String,
    /// The Postman JSON file.
    #[arg(value_name = "FILE")]
    pub file: std::path::PathBuf,
    /// Write the YAML here (default: standard output). The import report goes to stderr.
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<std::path::PathBuf>,
}

/// `runner export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The target format: `postman`.
    #[arg(value_name = "KIND", value_parser = ["postman"])]
    pub kind: String,
    /// The YAML collection.
    #[arg(value_name = "COLLECTION")]
    pub file: std::path::PathBuf,
    /// Write the JSON here (default: standard output).
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<std::path::PathBuf>,
}

/// Variables and environment, shared by `run` and `validate`.
#[derive(Debug, Args, Clone)]
pub struct VarArgs {
    /// Environment file with `variables` and `secrets` (e.g. environments/mock.yaml).
    #[arg(short = 'e', long = "env", value_name = "FILE")]
    pub env: Option<PathBuf>,
    /// Set a variable (repeatable); overrides collection, folder and environment values.
    #[arg(long = "var", value_name = "KEY=VALUE")]
    pub vars: Vec<String>,
}

/// `runner run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Collection files, or directories (every *.yaml in them, in name order).
    #[arg(value_name = "COLLECTION", required = true)]
    pub collections: Vec<PathBuf>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub vars: VarArgs,
    /// Stop at the first failed request.
    #[arg(long)]
    pub bail: bool,
    /// Default timeout for every request (e.g. 500ms, 30s).
    #[arg(long, value_name = "DURATION")]
    pub timeout: Option<String>,
    /// Accept invalid TLS certificates.
    #[arg(long)]
    pub insecure: bool,
    /// Show every request and response (secrets masked).
    #[arg(short, long)]
    pub verbose: bool,
    /// Also write a report: junit, json or html, to PATH or to runner-report.{xml,json,html}
    /// in the working directory (repeatable).
    #[arg(short = 'r', long = "reporter", value_name = "NAME[=PATH]")]
    pub reporters: Vec<String>,
    /// Render every request and print it without sending anything. Values captured from
    /// responses are unknown and shown as <Name> placeholders.
    #[arg(long)]
    pub dry_run: bool,
    /// Print each request as a runnable command (with or without --dry-run).
    #[arg(long, value_name = "FORMAT", value_parser = ["curl"])]
    pub print: Option<String>,
    /// Show secret values in --print and -v output instead of masking them.
    #[arg(long)]
    pub reveal_secrets: bool,
    /// Run against the embedded webCRM simulator, started on 127.0.0.1 for this run;
    /// sets `base_url` and `app_token` for the collections.
    #[arg(long)]
    pub mock: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub sim: SimArgs,
}

/// `runner validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Collection files or directories.
    #[arg(value_name = "COLLECTION", required = true)]
    pub collections: Vec<PathBuf>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub vars: VarArgs,
    /// Treat `base_url` and `app_token` as defined (they come from `--mock` at run time).
    #[arg(long)]
    pub mock: bool,
}

/// `runner list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Collection files or directories.
    #[arg(value_name = "COLLECTION", required = true)]
    pub collections: Vec<PathBuf>,
}

/// Simulator settings, shared by `runner mock` and `runner run --mock`.
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Simulator")]
pub struct SimArgs {
    /// Whether quotation-line linked data (the product catalogue) is enabled.
    #[arg(long, value_name = "on|off", default_value = "on")]
    pub linked_data: String,
    /// Lifetime of access tokens (e.g. 1h, 2s).
    #[arg(long, value_name = "DURATION", default_value = "1h")]
    pub token_ttl: String,
    /// Requests allowed per token per window before 429.
    #[arg(long, value_name = "N", default_value_t = 250)]
    pub rate_limit: u32,
    /// The sliding window of the rate limit.
    #[arg(long, value_name = "DURATION", default_value = "60s")]
    pub rate_window: String,
    /// YAML file with extra rows to seed (tables as keys, lists of objects as values).
    #[arg(long, value_name = "FILE")]
    pub seed_data: Option<PathBuf>,
    /// Keep the simulator's SQLite database in this file instead of memory.
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,
    /// The application token the simulator accepts.
    #[arg(
        long,
        value_name = "TOKEN",
        default_value = "00000000-0000-4000-8000-000000000001"
    )]
    pub app_token: String,
}

/// `runner mock`.
#[derive(Debug, Args)]
pub struct MockArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub sim: SimArgs,
}
